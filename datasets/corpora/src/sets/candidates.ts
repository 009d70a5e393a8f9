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

/** A pool sorted by word count, which `lengthMatched` needs. */
export function byLength(pool: readonly Candidate[]): Candidate[] {
  return pool.slice().sort((a, b) => a.words - b.words);
}

/**
 * Up to `k` candidates from `pool` (sorted by `byLength`) whose word count is within a band around
 * `words` (±15%, at least ±2 words), doubling the band up to four times when too few qualify, and
 * finally taking any length (small pools, such as one chapter's dialogue). `accept` filters
 * (other document, ...). Distinct texts only, none in `exclude`.
 */
export function lengthMatched(pool: readonly Candidate[], words: number, k: number, rng: Rng, accept: (c: Candidate) => boolean, exclude: ReadonlySet<string>): Candidate[] {
  const usable = (from: number, to: number): Candidate[] => {
    const seen = new Set<string>(exclude);
    const out: Candidate[] = [];
    for (let i = from; i < to; i++) {
      const c = pool[i];
      if (seen.has(c.text) || !accept(c)) continue;
      seen.add(c.text);
      out.push(c);
    }
    return out;
  };
  let tolerance = Math.max(2, Math.round(words * 0.15));
  for (let attempt = 0; attempt < 5; attempt++, tolerance *= 2) {
    const fits = usable(firstWithWords(pool, words - tolerance), firstWithWords(pool, words + tolerance + 1));
    if (fits.length >= k) return sample(fits, k, rng);
  }
  return sample(usable(0, pool.length), k, rng);
}

/** Index of the first candidate with at least `words` words (binary search). */
function firstWithWords(pool: readonly Candidate[], words: number): number {
  let lo = 0;
  let hi = pool.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pool[mid].words < words) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first candidate of each text. */
export function distinct(pool: readonly Candidate[]): Candidate[] {
  return [...new Map(pool.map((c) => [c.text, c])).values()];
}
