import { deriveSeed } from '@labbench/core';
import { LogisticRegression, type SparseRow } from './logistic.js';

// 2^14 hashed buckets: few collisions for a few thousand texts of a few hundred characters.
const DIMENSION = 1 << 14;

/** Character 3-5-grams of `text`, hashed to buckets, with their counts. */
export function charNgramCounts(text: string, min = 3, max = 5): Map<number, number> {
  const counts = new Map<number, number>();
  const padded = ` ${text} `;
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      const bucket = deriveSeed(n, padded.slice(i, i + n)) % DIMENSION;
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * The trained baseline of spec 6.4: character 3-5-gram TF-IDF (sublinear tf, smoothed idf from the
 * training texts, rows L2-normalised) + L2 logistic regression. Returns a scorer (log-odds of machine).
 */
export function fitCharTfidf(trainTexts: readonly string[], labels: readonly (0 | 1)[]): (text: string) => number {
  const documentFrequency = new Float64Array(DIMENSION);
  const trainCounts = trainTexts.map((t) => charNgramCounts(t));
  for (const counts of trainCounts) for (const b of counts.keys()) documentFrequency[b]++;
  const n = trainTexts.length;
  const idf = Float64Array.from(documentFrequency, (df) => Math.log((1 + n) / (1 + df)) + 1);
  const toRow = (counts: Map<number, number>): SparseRow => {
    const entries = [...counts].map(([b, c]) => [b, (1 + Math.log(c)) * idf[b]] as const);
    const norm = Math.sqrt(entries.reduce((a, [, v]) => a + v * v, 0)) || 1;
    return { indices: Int32Array.from(entries, ([b]) => b), values: Float32Array.from(entries, ([, v]) => v / norm) };
  };
  const model = LogisticRegression.fit(trainCounts.map(toRow), labels, DIMENSION, { lambda: 1e-4, iterations: 200, learningRate: 0.1 });
  return (text) => model.score(toRow(charNgramCounts(text)));
}
