/** fast-check generators shared by the property tests: tiny corpora with lots of repetition. */
import fc from 'fast-check';

// Words over a 4-letter alphabet (with a 2-byte letter): short random words overlap, nest and
// repeat letters, so merges, scaffold marking, un-marking, (x, x) runs and two merges with one
// result text all occur in corpora of a few hundred bytes.
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é'), minLength: 1, maxLength: 8 });
const separator = fc.constantFrom(' ', ' ', ' ', '\n', '. ', ', 1', '23 ', ' 😀');

/** 1 to 3 documents drawn from one small lexicon, words picked with repetition (skewed counts). */
export const smallCorpus = fc
  .record({
    lexicon: fc.array(word, { minLength: 3, maxLength: 20 }),
    picks: fc.array(fc.tuple(fc.nat(), fc.nat(), separator), { minLength: 20, maxLength: 250 }),
    docs: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ lexicon, picks, docs }) => {
    // min of two picks skews towards the first words: a Zipf-like head and a long tail
    const text = picks.map(([i, j, sep]) => lexicon[Math.min(i, j) % lexicon.length] + sep);
    const size = Math.ceil(text.length / docs);
    return Array.from({ length: docs }, (_, d) => text.slice(d * size, (d + 1) * size).join(''));
  });

/** N from "no merges" to past what the corpus allows (exhaustion must be handled too). */
export const targetSize = fc.integer({ min: 257, max: 290 });

export const algo = fc.constantFrom('bpe' as const, 'scaffold-bpe' as const);
