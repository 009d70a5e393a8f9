/**
 * Frequency buckets of a vocabulary (one mechanism, one place: MiLe's per-bucket perplexity and
 * MaskMoE's frequent/rare split both use it).
 *
 * Tokens are sorted by count, descending (ties by lower id first), and cut where the cumulative
 * share of all occurrences first reaches each boundary: with the default shares the high bucket (0)
 * holds the most frequent tokens covering 80% of occurrences, the medium bucket (1) the next 15%,
 * the low bucket (2) the last 5% plus every token that never occurs.
 *
 * Example: counts [50, 30, 10, 6, 4, 0] (total 100) give [0, 0, 1, 1, 2, 2]: 50 + 30 reaches 80%,
 * + 10 + 6 reaches 96% >= 95% (the token that crosses a boundary belongs to the bucket it completes).
 *
 * @param counts occurrences per token id (training stream)
 * @param shares bucket shares of occurrences, high to low frequency; must sum to 1
 * @returns bucket index per token id
 */
export function frequencyBuckets(counts: ArrayLike<number>, shares: readonly number[] = [0.8, 0.15, 0.05]): Int8Array {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (shares.length < 1 || shares.length > 127 || shares.some((s) => !(s >= 0)) || Math.abs(sum - 1) > 1e-9) {
    throw new Error(`frequencyBuckets: shares must be 1..127 non-negative numbers summing to 1, got [${shares.join(', ')}]`);
  }
  const n = counts.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => counts[b] - counts[a] || a - b);
  const total = order.reduce((a, i) => a + Math.max(0, counts[i]), 0);
  const out = new Int8Array(n).fill(shares.length - 1);
  if (total <= 0) return out;
  const bounds: number[] = [];
  let acc = 0;
  for (const s of shares) bounds.push((acc += s) * total);
  let bucket = 0;
  let cumulative = 0;
  for (const id of order) {
    if (counts[id] <= 0) break; // unseen tokens stay in the last bucket
    while (bucket < shares.length - 1 && cumulative >= bounds[bucket] * (1 - 1e-12)) bucket++;
    out[id] = bucket;
    cumulative += counts[id];
  }
  return out;
}
