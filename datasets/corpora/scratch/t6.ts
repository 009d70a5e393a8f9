import { SETS } from '../src/sets/index.js';
import { corpus } from '../src/corpora.js';
let t = performance.now();
for (const c of ['brown', 'sotu', 'moby', 'email', 'wordnet'] as const) { const t0 = performance.now(); corpus(c); console.log(c, (performance.now() - t0).toFixed(0), 'ms'); }
for (const s of SETS) {
  const t0 = performance.now();
  const items = s.build() as any[];
  const bySource: Record<string, number> = {};
  for (const i of items) bySource[`${i.source}/${i.split}`] = (bySource[`${i.source}/${i.split}`] ?? 0) + 1;
  console.log(s.name, items.length, (performance.now() - t0).toFixed(0), 'ms', JSON.stringify(bySource), 'bytes', items.map(i => JSON.stringify(i)).join('\n').length);
}
console.log('total', (performance.now() - t).toFixed(0));
