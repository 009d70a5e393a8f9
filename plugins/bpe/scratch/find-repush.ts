import fc from 'fast-check';
import { trainDetailed } from '../src/factory.js';
import { compilePattern, countPieces, PRETOKENIZERS } from '../src/pretokenize.js';
import { smallCorpus, targetSize } from '../test/helpers/arbitraries.js';
import { referenceTrain } from '../test/helpers/reference.js';
const r = fc.check(fc.property(smallCorpus, fc.integer({min: 257, max: 400}), (corpus, n) => {
  const { tokenizer } = trainDetailed('scaffold-bpe', corpus, { vocabSize: n });
  const pieces = countPieces(corpus, compilePattern(PRETOKENIZERS['gpt2-digits'], 'test'), ['<|endoftext|>']);
  const ref = referenceTrain(pieces, { targetSize: n, scaffold: true, specialCount: 1, pairsFirst: true });
  return JSON.stringify(tokenizer.toJSON().scaffold) === JSON.stringify(ref.scaffold) && JSON.stringify(tokenizer.toJSON().merges) === JSON.stringify(ref.merges);
}), { numRuns: 5000 });
console.log(r.failed, r.numRuns, JSON.stringify(r.counterexample));
