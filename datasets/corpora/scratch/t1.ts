import { loadBrown } from '../src/sources/brown.js';
import { loadSotu } from '../src/sources/sotu.js';
import { loadMoby } from '../src/sources/moby.js';
import { countWords } from '../src/text/normalize.js';
for (const [name, f] of [['brown', loadBrown], ['sotu', loadSotu], ['moby', loadMoby]] as const) {
  const t = performance.now();
  const docs = f();
  const ms = performance.now() - t;
  const per: Record<string, [number, number]> = {};
  for (const d of docs) { const p = (per[d.split] ??= [0, 0]); p[0]++; p[1] += countWords(d.text); }
  console.log(name, ms.toFixed(0), 'ms', docs.length, JSON.stringify(per), docs.reduce((a, d) => a + d.text.length, 0));
}
const b = loadBrown();
console.log(b.find(d => d.id === 'cn01')!.text.slice(0, 1200));
const s = loadSotu(); console.log(s[s.length - 1].text.slice(0, 500));
