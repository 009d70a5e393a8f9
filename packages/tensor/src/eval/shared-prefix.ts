import { DEFAULT_TOKENS_PER_FORWARD } from './batched-forward.js';
import type { KvDecoder } from './kv-decoder.js';
import { allocateScores, scorePositions } from './logit-stats.js';

/**
 * Continuations that share their context, scored on the key-value cache: each distinct context
 * window runs once (`KvDecoder.start`, its last position's logits score every continuation's
 * first token), then every continuation's remaining tokens run on a copy of that context's cache
 * (`KvDecoder.extend`). Multiple choice sends 4 continuations per context and a detector 2, so
 * the context's positions, most of each row, were computed 4 (or 2) times by per-row scoring.
 *
 * Shapes: G contexts of a chunk, P the longest of them, R continuations of an extend, S the
 * longest continuation of those minus one, V vocabulary, F = `decoder.floatsPerSlot`.
 */

/** One request: the context window's ids (the last predicts the continuation's first token) and the continuation's ids. */
export interface PrefixedContinuation {
  readonly prefix: Int32Array;
  readonly continuation: Int32Array;
}

export interface ContinuationTotals {
  readonly logLikelihood: number;
  readonly isGreedy: boolean;
}

export interface SharedPrefixOptions {
  readonly padId: number;
  readonly vocab: number;
  /** Positions per prefill (G * P), as the per-row path's forward passes. */
  readonly tokensPerForward?: number;
  /** Cap on cached floats: the prefilled cache (G * P * F) and one extend's copy of it (R * (P + S) * F). */
  readonly cacheFloats?: number;
}

/**
 * 4M floats (16 MB) of cache. The campaign model (d 128, 4 layers, T 128: F = 1024 floats per
 * slot) then prefills 4096 context positions at a time, and extends about 32 continuations of
 * ~128-token contexts per pass; 800 requests uncapped would copy 800 x 128 x 1024 floats (420 MB).
 * The quick model (F = 256) fits 4x as many. Peak memory is a few times this: the forward pass
 * concatenates the copy with the new keys and values, layer by layer.
 */
export const DEFAULT_CACHE_FLOATS = 1 << 22;
/** Cap on logits read back per extend (floats), as per-row scoring's: wide vocabularies take fewer rows. */
const MAX_LOGITS = 1 << 23;

/**
 * Indices of the requests that share their context window with another, grouped by that window
 * (exact ids), groups in first-appearance order. Requests without a continuation, and contexts
 * used once, are left out: per-row scoring runs them in one pass instead of two.
 */
export function sharedPrefixGroups(requests: readonly PrefixedContinuation[]): number[][] {
  const groups = new Map<string, number[]>();
  requests.forEach(({ prefix, continuation }, i) => {
    if (continuation.length === 0 || prefix.length === 0) return;
    const key = prefix.join(',');
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * The totals of every request in `groups` (each group: indices of requests with the same
 * prefix), at those indices; other entries stay undefined. Sums run in position order from 0, as
 * per-row scoring's, so the same per-position values give the same total.
 */
export function scoreSharedPrefixes(
  decoder: KvDecoder,
  requests: readonly PrefixedContinuation[],
  groups: readonly (readonly number[])[],
  options: SharedPrefixOptions,
): (ContinuationTotals | undefined)[] {
  const perSlot = decoder.floatsPerSlot;
  const cacheFloats = options.cacheFloats ?? DEFAULT_CACHE_FLOATS;
  const prefillPositions = Math.max(1, Math.min(options.tokensPerForward ?? DEFAULT_TOKENS_PER_FORWARD, Math.floor(cacheFloats / perSlot)));
  const totals: (ContinuationTotals | undefined)[] = new Array(requests.length).fill(undefined);
  // longest context first (ties in input order): each chunk's P is its first context's length
  const order = groups.map((_, g) => g).sort((a, b) => requests[groups[b][0]].prefix.length - requests[groups[a][0]].prefix.length || a - b);
  for (let start = 0; start < order.length; ) {
    const longest = requests[groups[order[start]][0]].prefix.length;
    const count = Math.min(order.length - start, Math.max(1, Math.floor(prefillPositions / longest)));
    const chunk = order.slice(start, start + count).map((g) => groups[g]);
    try {
      scoreChunk(decoder, requests, chunk, longest, perSlot, cacheFloats, options, totals);
    } finally {
      decoder.dispose();
    }
    start += count;
  }
  return totals;
}

/** One prefill of the chunk's contexts, then extends over its requests in cache-bounded batches. */
function scoreChunk(
  decoder: KvDecoder,
  requests: readonly PrefixedContinuation[],
  chunk: readonly (readonly number[])[],
  longest: number,
  perSlot: number,
  cacheFloats: number,
  options: SharedPrefixOptions,
  totals: (ContinuationTotals | undefined)[],
): void {
  const { vocab } = options;
  const needs = { argmax: true };
  const first = decoder.start(
    chunk.map((g) => requests[g[0]].prefix),
    options.padId,
    longest,
  ); // [G * V]
  // every request's first token from its context's last position
  const sums = new Map<number, { logLikelihood: number; isGreedy: boolean }>();
  const one = allocateScores(1);
  chunk.forEach((group, g) => {
    const logits = first.subarray(g * vocab, (g + 1) * vocab);
    for (const i of group) {
      const target = requests[i].continuation.subarray(0, 1);
      scorePositions(logits, vocab, target, needs, one);
      sums.set(i, { logLikelihood: 0 + one.logProbs[0], isGreedy: one.argmax[0] === target[0] });
    }
  });
  // the rest of each continuation on a copy of its context's cache
  const rest = chunk.flatMap((group, g) => group.filter((i) => requests[i].continuation.length > 1).map((i) => ({ i, g })));
  for (let from = 0; from < rest.length; ) {
    let time = 0;
    let positions = 0;
    let to = from;
    while (to < rest.length) {
      const more = requests[rest[to].i].continuation.length - 1;
      const wider = Math.max(time, more);
      const fits = (to - from + 1) * (longest + wider) * perSlot <= cacheFloats && (positions + more) * vocab <= MAX_LOGITS;
      if (to > from && !fits) break;
      time = wider;
      positions += more;
      to++;
    }
    extendBatch(decoder, requests, rest.slice(from, to), time, positions, options, sums);
    from = to;
  }
  for (const [i, s] of sums) totals[i] = s;
}

/** Rows [R, S]: continuation tokens but the last, right-padded; scored at every real position. */
function extendBatch(
  decoder: KvDecoder,
  requests: readonly PrefixedContinuation[],
  rows: readonly { i: number; g: number }[],
  time: number,
  positions: number,
  options: SharedPrefixOptions,
  sums: Map<number, { logLikelihood: number; isGreedy: boolean }>,
): void {
  const ids = new Int32Array(rows.length * time).fill(options.padId);
  const at = new Int32Array(positions);
  const targets = new Int32Array(positions);
  let k = 0;
  rows.forEach(({ i }, r) => {
    const c = requests[i].continuation;
    ids.set(c.subarray(0, c.length - 1), r * time);
    for (let j = 0; j + 1 < c.length; j++, k++) {
      at[k] = r * time + j;
      targets[k] = c[j + 1];
    }
  });
  const scores = allocateScores(positions);
  decoder.extend(Int32Array.from(rows, (row) => row.g), ids, time, at, (logits) => scorePositions(logits, options.vocab, targets, { argmax: true }, scores)); // logits [K * V]
  k = 0;
  for (const { i } of rows) {
    const sum = sums.get(i)!;
    for (let j = 1; j < requests[i].continuation.length; j++, k++) {
      sum.logLikelihood += scores.logProbs[k];
      if (scores.argmax[k] !== targets[k]) sum.isGreedy = false;
    }
  }
}
