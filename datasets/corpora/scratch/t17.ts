import { corpus } from '../src/corpora.js';
import { SETS } from '../src/sets/index.js';
const t0 = performance.now();
for (const c of ['brown', 'sotu', 'moby', 'email', 'wordnet'] as const) { const t = performance.now(); corpus(c); console.log(`load ${c}`, (performance.now() - t).toFixed(0), 'ms'); }
for (const s of SETS) {
  const t = performance.now();
  const items = s.build() as Array<{ source: string; split: string }>;
  const by: Record<string, number> = {};
  for (const i of items) by[i.source] = (by[i.source] ?? 0) + 1;
  const sp: Record<string, number> = {};
  for (const i of items) sp[i.split] = (sp[i.split] ?? 0) + 1;
  console.log(`| \`${s.name}\` | ${items.length} | ${Object.entries(by).map(([k, v]) => `${k} ${v}`).join(', ')} | ${sp.valid ?? 0} / ${sp.test ?? 0} |`, (performance.now() - t).toFixed(0), 'ms');
}
console.log('total', ((performance.now() - t0) / 1000).toFixed(2), 's');
