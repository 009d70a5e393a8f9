import type { GenerationOptions } from '@labbench/core';
import type { Rng } from '@labbench/core';

/** Greedy, temperature, top-k and nucleus (top-p) sampling from one row of logits, on the host. */
export function sampleToken(logits: Float32Array, options: GenerationOptions, rng: Rng): number {
  if (options.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  let order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
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
