import type { GenerationOptions } from '@labbench/core';
import type { Rng } from '@labbench/core';

/**
 * Greedy, temperature, top-k and nucleus (top-p) sampling from one row of logits, on the host.
 * Top-k and top-p walk the ids in `rank` order; plain temperature sampling needs no order. `rank` orders the ids by logit, largest first, ties by smaller id (a test passes the comparator
 * sort, to check the native-sort ranking draws the same tokens).
 */
export function sampleToken(logits: Float32Array, options: GenerationOptions, rng: Rng, rank: (logits: Float32Array) => number[] = descendingOrder): number {
  if (options.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  if (!(options.topK && options.topK > 0) && !(options.topP !== undefined && options.topP < 1)) return sampleFull(logits, options.temperature, rng);
  let order = rank(logits);
  if (options.topK && options.topK > 0) order = order.slice(0, options.topK);
  const max = logits[order[0]];
  let weights = order.map((i) => Math.exp((logits[i] - max) / options.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  weights = weights.map((w) => w / total);
  if (options.topP !== undefined && options.topP < 1) {
    let cumulative = 0;
    let keep = 0;
    while (keep < weights.length && cumulative < options.topP) cumulative += weights[keep++];
    order = order.slice(0, Math.max(1, keep));
    weights = weights.slice(0, order.length);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  let u = rng.float() * sum;
  for (let i = 0; i < order.length; i++) {
    u -= weights[i];
    if (u <= 0) return order[i];
  }
  return order[order.length - 1];
}

/**
 * Plain temperature sampling over the whole vocabulary: the inverse CDF in id order, one pass, no
 * sort (sorting every row was most of a batched generation step, and only top-k and top-p need the
 * order). Draws a different token than the sorted walk for the same uniform, with the same
 * distribution. Rows with +Infinity logits draw the first of them (the limit of the softmax).
 */
function sampleFull(logits: Float32Array, temperature: number, rng: Rng): number {
  let max = -Infinity;
  let best = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) { max = logits[i]; best = i; }
  if (max === Infinity || max === -Infinity) return best;
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += weights[i] = Math.exp((logits[i] - max) / temperature);
  let u = rng.float() * total;
  for (let i = 0; i < logits.length; i++) {
    u -= weights[i];
    if (u <= 0 && weights[i] > 0) return i;
  }
  return best; // rounding left u above 0: the mode
}

/** Index bits of a sort key: vocabularies up to 2^21 ids (Float64 keys stay below 2^53, exact). */
const INDEX_BITS = 2 ** 21;
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/**
 * Token ids by logit, largest first, ties by smaller id: exactly the order of
 * `ids.sort((a, b) => logits[b] - logits[a] || a - b)`, but through one native numeric sort of
 * Float64 keys instead of a comparator callback (sampling sorted the whole vocabulary for every
 * token, and that sort was most of a batched generation step). Each key is the logit's float32
 * bit pattern mapped to an unsigned integer that falls as the value rises, times 2^21, plus the id.
 */
export function descendingOrder(logits: Float32Array): number[] {
  const n = logits.length;
  if (n >= INDEX_BITS || logits.some(Number.isNaN)) return Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    asFloat[0] = logits[i] === 0 ? 0 : logits[i]; // -0 and +0 compare equal: one key
    const u = bits[0];
    const ascending = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0; // monotone in the value
    keys[i] = (0xffffffff - ascending) * INDEX_BITS + i;
  }
  keys.sort();
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = keys[i] % INDEX_BITS;
  return order;
}
