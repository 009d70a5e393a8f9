import { Rng, deriveSeed } from '@labbench/core';
import type { MaskMoeConfig } from './config.js';

/** A frozen routing mask: which experts each token id may use. */
export interface RoutingMask {
  /** [V * N] row-major 0/1: visible[v * N + i] = 1 iff expert i is in S_v. */
  readonly visible: Float32Array;
  /** [V] V_v, the number of visible experts of token v. */
  readonly counts: Int32Array;
  /** [V] 1 for the frequent set F. */
  readonly frequent: Uint8Array;
}

/**
 * The frequent set F from training-split counts (§6.2 split rule, [verify]):
 * 'top-types' takes ceil(share x seen types) types with the highest counts (ties: lower id);
 * 'token-mass' takes the most frequent types until they cover `share` of training tokens.
 * Types never seen in training are rare.
 */
export function frequentSet(counts: ArrayLike<number>, vocab: number, rule: MaskMoeConfig['frequentRule'], share: number): Uint8Array {
  const seen = Array.from({ length: vocab }, (_, i) => i)
    .filter((i) => (counts[i] ?? 0) > 0)
    .sort((a, b) => counts[b] - counts[a] || a - b);
  const frequent = new Uint8Array(vocab);
  if (rule === 'top-types') {
    for (const id of seen.slice(0, Math.ceil(share * seen.length))) frequent[id] = 1;
    return frequent;
  }
  const total = seen.reduce((a, id) => a + counts[id], 0);
  let covered = 0;
  for (const id of seen) {
    if (covered >= share * total) break;
    frequent[id] = 1;
    covered += counts[id];
  }
  return frequent;
}

/**
 * Builds one layer's mask: V_v = V_freq for v in F, else V_rare, and S_v a uniform random subset of
 * size V_v (partial Fisher-Yates), seeded by (seed, layer) so rebuilding gives identical masks.
 */
export function buildRoutingMask(counts: ArrayLike<number> | undefined, vocab: number, config: MaskMoeConfig, seed: number, layer: number): RoutingMask {
  const n = config.experts;
  const frequent = frequentSet(counts ?? new Float64Array(vocab), vocab, config.frequentRule, config.frequentShare);
  const rng = new Rng(deriveSeed(seed, `maskmoe.mask.layer${config.maskPerLayer ? layer : 0}`));
  const visible = new Float32Array(vocab * n);
  const sizes = new Int32Array(vocab);
  for (let v = 0; v < vocab; v++) {
    const size = Math.min(n, Math.max(1, frequent[v] ? config.visibleFrequent : config.visibleRare));
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let j = 0; j < size; j++) {
      const pick = rng.int(j, n - 1);
      [pool[j], pool[pick]] = [pool[pick], pool[j]];
      visible[v * n + pool[j]] = 1;
    }
    sizes[v] = size;
  }
  return { visible, counts: sizes, frequent };
}
