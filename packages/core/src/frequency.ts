/**
 * Token-frequency buckets, shared by every study that reports loss by frequency (MaskMoE,
 * InfoEntropy/MiLe): types are ranked by their training-split count, most frequent first, and cut
 * where the running share of `mass` (by default the counts themselves; pass validation
 * occurrences to get "buckets covering 80/15/5% of validation tokens") crosses each boundary.
 */

/** The MiLe paper's split: buckets covering 80%, 15% and 5% of tokens, high to low frequency. */
export const DEFAULT_FREQUENCY_SHARES = [0.8, 0.15, 0.05] as const;

/** The names of the three default buckets, high to low frequency. */
const DEFAULT_BUCKET_NAMES = ['high', 'medium', 'low'] as const;

/**
 * The name a bucket's metrics carry (`freq_<name>`): 'high', 'medium' and 'low' with three buckets
 * (the default shares), `bucket<i>` otherwise, so evaluators that report the same buckets name them alike.
 */
export function frequencyBucketName(bucket: number, buckets: number): string {
  return buckets === 3 ? DEFAULT_BUCKET_NAMES[bucket]! : `bucket${bucket}`;
}

/**
 * Bucket id per token id (0 = most frequent bucket).
 *
 * @param counts training-split occurrences per token id (ranking key; ties go to the lower id)
 * @param shares positive shares of `mass` per bucket, high to low frequency, summing to 1
 * @param mass   occurrences per token id that the shares refer to (default: `counts`)
 * @returns Int32Array of length counts.length. A type lands in the bucket where the mass ranked
 *   before it falls, so each bucket holds about its share of `mass` (a type is never split).
 *   Example: counts [5, 3, 2], shares [0.5, 0.5] -> [0, 1, 1] (5 of 10 before id 1 is the boundary).
 */
export function frequencyBuckets(counts: ArrayLike<number>, shares: readonly number[] = DEFAULT_FREQUENCY_SHARES, mass: ArrayLike<number> = counts): Int32Array {
  if (shares.length === 0 || shares.some((s) => !(s > 0))) {
    throw new Error(`frequencyBuckets: shares must be positive numbers, got [${shares.join(', ')}].`);
  }
  const sum = shares.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new Error(`frequencyBuckets: shares must sum to 1, got ${sum} ([${shares.join(', ')}]).`);
  if (mass.length !== counts.length) throw new Error(`frequencyBuckets: mass has ${mass.length} entries but counts has ${counts.length}; give one per token id.`);
  const order = Array.from({ length: counts.length }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const total = order.reduce((a, id) => a + Math.max(0, mass[id]!), 0);
  const bounds: number[] = [];
  let running = 0;
  for (const s of shares) bounds.push((running += s));
  const buckets = new Int32Array(counts.length);
  let before = 0;
  let bucket = 0;
  for (const id of order) {
    const position = total > 0 ? before / total : 0;
    while (bucket < shares.length - 1 && position >= bounds[bucket]! - 1e-12) bucket++;
    buckets[id] = bucket;
    before += Math.max(0, mass[id]!);
  }
  return buckets;
}
