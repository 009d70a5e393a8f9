import { corpus } from '../src/corpora.js';
const ck = corpus('brown').find(d => d.id === 'ck14')!;
console.log(ck.text.slice(0, 1500));
const all = corpus('brown').map(d => d.text).join('\n');
for (const re of [/\?\?/g, /!!/g, /;;/g, /"\./g, /",/g, /\.\"/g, / '/g, /`/g]) console.log(re, (all.match(re) ?? []).length);
