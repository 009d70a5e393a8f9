import { corpus, emailCorpus } from '../src/corpora.js';
import { countWords } from '../src/text/normalize.js';
for (const c of ['brown', 'sotu', 'moby', 'email', 'wordnet'] as const) {
  const per: Record<string, [number, number]> = { train: [0, 0], valid: [0, 0], test: [0, 0] };
  for (const d of corpus(c)) { per[d.split][0]++; per[d.split][1] += countWords(d.text); }
  console.log(c, JSON.stringify(per));
}
const ham: Record<string, number> = { train: 0, valid: 0, test: 0 };
for (const d of corpus('email')) if (d.meta!.label === 'ham') ham[d.split]++;
console.log('ham docs', ham);
const msgs = emailCorpus(); const th: Record<string, Set<string>> = { train: new Set(), valid: new Set(), test: new Set() };
for (const m of msgs) th[m.split].add(m.thread);
console.log('threads', Object.fromEntries(Object.entries(th).map(([k, v]) => [k, v.size])), 'messages', msgs.length);
const hw: Record<string, number> = { train: 0, valid: 0, test: 0 };
for (const d of corpus('email')) if (d.meta!.label === 'ham') hw[d.split] += countWords(d.text);
console.log('ham words', hw);
const chars = (c: 'brown') => corpus(c).reduce((a, d) => a + d.text.length, 0);
console.log('chars', ['brown', 'sotu', 'moby', 'email', 'wordnet'].map(c => [c, chars(c as 'brown')]));
