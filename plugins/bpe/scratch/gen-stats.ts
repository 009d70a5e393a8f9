import fc from 'fast-check';
import { trainDetailed } from '../src/factory.js';
import { smallCorpus, targetSize } from '../test/helpers/arbitraries.js';
const samples = fc.sample(fc.tuple(smallCorpus, targetSize), { numRuns: 300, seed: 1 });
let marks = 0, unmarks = 0, reused = 0, exhausted = 0, strict3 = 0, iters = 0, merges = 0;
for (const [corpus, n] of samples) {
  const { outcome } = trainDetailed('scaffold-bpe', corpus, { vocabSize: n }, { trace: true });
  const tr = outcome.trace!;
  iters += tr.length; merges += outcome.results.length;
  if (outcome.marks) marks++; if (outcome.unmarks) unmarks++; if (tr.some(e => e.reused)) reused++; if (outcome.exhausted) exhausted++;
  for (let i = 1; i < tr.length; i++) if (tr[i].key > tr[i - 1].key) { strict3++; break; }
}
console.log({ runs: samples.length, marks, unmarks, reused, exhausted, strict3, avgIters: iters / samples.length, avgMerges: merges / samples.length });
