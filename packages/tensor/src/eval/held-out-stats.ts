import * as tf from '@tensorflow/tfjs';
import type { LanguageModel, TrainedTokenizer } from '@labbench/core';
import { fixedWindows } from './batches.js';

/**
 * Held-out windows for evaluators that read a model's forward statistics (NSAR, active experts):
 * each text is encoded, prefixed with the end-of-text id, and the documents are joined; at most
 * `maxWindows` non-overlapping windows of T tokens are taken from the start.
 */
export function heldOutWindows(tokenizer: TrainedTokenizer, texts: readonly string[], time: number, maxWindows: number): { ids: Int32Array; count: number } {
  const parts: number[] = [];
  for (const text of texts) parts.push(tokenizer.eosId, ...tokenizer.encode(text));
  const { ids, count } = fixedWindows(Int32Array.from(parts), time, maxWindows);
  return { ids, count };
}

/**
 * Runs the model (training: false) over windows [count, T] in batches and returns every forward
 * stat averaged over tokens (each batch weighted by its rows), elementwise for vector stats.
 */
export function heldOutForwardStats(model: LanguageModel, ids: Int32Array, count: number, time: number, batch: number): { stats: Record<string, number[]>; tokens: number } {
  const sums = new Map<string, Float64Array>();
  for (let start = 0; start < count; start += batch) {
    const rows = Math.min(batch, count - start);
    tf.tidy(() => {
      const x = tf.tensor2d(ids.subarray(start * time, (start + rows) * time), [rows, time], 'int32');
      const out = model.forward(x, { training: false });
      for (const [name, value] of Object.entries(out.stats ?? {})) {
        const data = value.dataSync();
        const sum = sums.get(name) ?? new Float64Array(data.length);
        for (let i = 0; i < data.length; i++) sum[i] += data[i] * rows;
        sums.set(name, sum);
      }
    });
  }
  const stats: Record<string, number[]> = {};
  for (const [name, sum] of sums) stats[name] = Array.from(sum, (s) => s / Math.max(1, count));
  return { stats, tokens: count * time };
}
