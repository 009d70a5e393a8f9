import { randomInt, sample, type Rng } from '../text/random.js';

/**
 * Shared pieces of the multiple-choice and dialogue builders: length-matched distractors and a
 * seeded answer position (so position bias of a scorer cannot look like skill).
 */

export interface Candidate {
  readonly text: string;
  readonly words: number;
  /** Document (or thread) the candidate comes from. */
  readonly unit: string;
}

/** Puts `answer` at a seeded position among `negatives`. */
export function placeAnswer(answer: string, negatives: readonly string[], rng: Rng): { choices: string[]; label: number } {
  const label = randomInt(rng, negatives.length + 1);
  const choices = [...negatives.slice(0, label), answer, ...negatives.slice(label)];
  return { choices, label };
}

/**
 * Up to `k` candidates from `pool` whose word count is within a band around `words` (±15%, at
 * least ±2 words), doubling the band up to four times when too few qualify, and finally taking any
 * length (small pools, such as one chapter's dialogue). `accept` filters (other document, ...).
 * Distinct texts only, none in `exclude`.
 */
export function lengthMatched(pool: readonly Candidate[], words: number, k: number, rng: Rng, accept: (c: Candidate) => boolean, exclude: ReadonlySet<string>): Candidate[] {
  const usable = distinct(pool.filter((c) => accept(c) && !exclude.has(c.text)));
  let tolerance = Math.max(2, Math.round(words * 0.15));
  for (let attempt = 0; attempt < 5; attempt++, tolerance *= 2) {
    const fits = usable.filter((c) => Math.abs(c.words - words) <= tolerance);
    if (fits.length >= k) return sample(fits, k, rng);
  }
  return sample(usable, k, rng);
}

/** The first candidate of each text. */
export function distinct(pool: readonly Candidate[]): Candidate[] {
  return [...new Map(pool.map((c) => [c.text, c])).values()];
}
