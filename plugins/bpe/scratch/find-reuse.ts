import fc from 'fast-check';
import { trainDetailed } from '../src/factory.js';
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 6 });
const corpusArb = fc.array(fc.tuple(word, fc.integer({ min: 1, max: 9 })), { minLength: 2, maxLength: 6 });
const samples = fc.sample(corpusArb, { numRuns: 20000, seed: 7 });
let found = 0;
for (const spec of samples) {
  const text = spec.map(([w, k]) => (' ' + w).repeat(k)).join('');
  for (const type of ['bpe', 'scaffold-bpe'] as const) {
    const { outcome } = trainDetailed(type, [text], { vocabSize: 300 }, { trace: true });
    const tr = outcome.trace!;
    const r = tr.findIndex((e) => e.reused);
    if (r >= 0) {
      found++;
      if (found <= 5) console.log(type, JSON.stringify(spec), 'reuse at', r, tr.length, tr.some((e, i) => i > 0 && e.key > tr[i - 1].key));
    }
  }
}
console.log('found', found);
