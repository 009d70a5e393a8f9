import * as tf from '#tfjs';
import type { LanguageModel } from '@labbench/core';
import { allocateScores, scorePositions, type PositionScores, type ScoreNeeds } from './logit-stats.js';
import type { KvDecoder } from './kv-decoder.js';
import { heapFloat32 } from '../backend/kernel.js';

/**
 * Forward-only scoring of many rows at once. Shapes: R rows per forward pass, L positions (the
 * longest row of the batch, at most the model's context T), V vocabulary.
 *
 * Rows are sorted by length and packed so each forward pass carries about `tokensPerForward`
 * positions: few, large matrix products instead of many small ones (on the native path the cost
 * of a tiny model's forward is mostly per-op overhead, not arithmetic). A row only needs its own
 * length: a causal model's output at a position ignores later positions (the model contract), so
 * trailing padding and a shorter L do not change any scored value. Forward passes run outside any
 * gradient tape, and the logits are read back once and scored on the host (logit-stats.ts).
 */

/** One row to score: input ids and, per position, the id it should predict (-1: not scored). */
export interface ScoreRow {
  readonly ids: Int32Array;
  readonly targets: Int32Array;
}

export interface BatchOptions {
  /** Id written into padding positions (never scored). */
  readonly padId: number;
  /** Vocabulary size V of the logits (the tokenizer's). */
  readonly vocab: number;
  /** Lower bound on rows per forward pass (the profile's batch size). */
  readonly minRows: number;
  /** Positions per forward pass to aim for. */
  readonly tokensPerForward?: number;
  readonly needs: ScoreNeeds;
  /**
   * The reference decoder's verified re-implementation (kv-decoder.ts): when given, the head runs
   * only at scored positions. Absent for other models: their own forward pass, logits everywhere.
   */
  readonly decoder?: KvDecoder;
}

/** Positions per forward pass: measured on the quick model (d 64, V 1024); larger gains little. */
export const DEFAULT_TOKENS_PER_FORWARD = 4096;
/** Cap on logits read back per pass (floats): 32 MB, so wide vocabularies take fewer rows. */
const MAX_LOGITS = 1 << 23;

/** Scores of every row, concatenated in row order; row i starts at `offsets[i]`. */
export interface ScoredRows {
  readonly scores: PositionScores;
  readonly offsets: Int32Array;
}

export function scoreRows(model: LanguageModel, rows: readonly ScoreRow[], options: BatchOptions): ScoredRows {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => { offsets[i + 1] = offsets[i] + r.ids.length; });
  const scores = allocateScores(offsets[rows.length]);
  // longest first, ties in input order: each batch's L is its first row's length
  const order = rows.map((_, i) => i).sort((a, b) => rows[b].ids.length - rows[a].ids.length || a - b);
  let ids = new Int32Array(0); // reused across batches (tensor2d copies it)
  const { vocab } = options;
  const budget = Math.min(options.tokensPerForward ?? DEFAULT_TOKENS_PER_FORWARD, Math.floor(MAX_LOGITS / vocab));
  for (let start = 0; start < order.length;) {
    const time = Math.max(1, rows[order[start]].ids.length);
    const count = Math.min(order.length - start, Math.max(options.minRows, Math.floor(budget / time)));
    if (ids.length < count * time) ids = new Int32Array(count * time);
    const batch = ids.subarray(0, count * time).fill(options.padId);
    for (let r = 0; r < count; r++) batch.set(rows[order[start + r]].ids, r * time);
    if (options.decoder) {
      // logits of the scored positions only [K, V], in row order
      const at: number[] = [];
      for (let r = 0; r < count; r++) rows[order[start + r]].targets.forEach((t, j) => { if (t >= 0) at.push(r * time + j); });
      if (at.length > 0) {
        options.decoder.logitsAt(batch, count, time, Int32Array.from(at), (logits) => at.forEach((flat, k) => {
          const index = order[start + Math.floor(flat / time)];
          const j = flat % time;
          scorePositions(logits.subarray(k * vocab, (k + 1) * vocab), vocab, rows[index].targets.subarray(j, j + 1), options.needs, scores, offsets[index] + j);
        }));
      }
    } else {
      withValues(tf.tidy(() => model.forward(tf.tensor2d(batch, [count, time], 'int32'), { training: false }).logits), (logits) => { // [R * L * V]
        for (let r = 0; r < count; r++) {
          const index = order[start + r];
          const row = rows[index];
          scorePositions(logits.subarray(r * time * vocab, (r * time + row.ids.length) * vocab), vocab, row.targets, options.needs, scores, offsets[index]);
        }
      });
    }
    start += count;
  }
  return { scores, offsets };
}

/**
 * Calls `use` with a float32 tensor's values, then disposes the tensor. On the wasm backend the
 * values are a view of its heap, not a copy (copying [K, V] logits out of the heap was a twentieth
 * of an evaluation's time). So `use` must neither keep the array nor create tensors: an
 * allocation may grow the heap, which detaches the view (checked: it then throws rather than let
 * what `use` read pass). Elsewhere, and for a tensor not on the wasm heap, `dataSync`'s copy.
 */
export function withValues(tensor: tf.Tensor, use: (values: Float32Array) => void): void {
  try {
    const values = heapFloat32(tensor) ?? (tensor.dataSync() as Float32Array);
    use(values);
    if (values.length !== tensor.size) {
      throw new Error(`withValues: the heap view of a [${tensor.shape.join(', ')}] tensor was detached while in use: a tensor was created inside the callback, which grew the wasm heap.`);
    }
  } finally {
    tensor.dispose();
  }
}

/**
 * The tensor's values, then the tensor disposed. Values are read outside `tf.tidy`: tidy walks
 * whatever its callback returns looking for tensors, element by element for a typed array, which
 * for [R * L * V] logits cost more than the forward pass itself.
 */
export function readBack(tensor: tf.Tensor): Float32Array {
  try {
    return tensor.dataSync() as Float32Array;
  } finally {
    tensor.dispose();
  }
}
