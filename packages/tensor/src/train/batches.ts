import * as tf from '#tfjs';
import { Rng, deriveSeed } from '@labbench/core';

/**
 * Training batches: random windows of T + 1 tokens from the stream, positions drawn from a
 * generator seeded only by the cell's seed, so every arm of a study sees the same windows in the
 * same order (given the same tokenizer).
 */
export class WindowSampler {
  private readonly rng: Rng;

  constructor(private readonly stream: Int32Array, private readonly batch: number, private readonly time: number, seed: number) {
    if (stream.length < time + 2) throw new Error(`training stream has ${stream.length} tokens; a window needs ${time + 1}. Give the profile more training text.`);
    this.rng = new Rng(deriveSeed(seed, 'batches'));
  }

  /** The position in the window order (resumed training). */
  state(): number[] {
    return this.rng.state();
  }

  restore(state: readonly number[]): void {
    this.rng.restore(state);
  }

  /** ids [B, T] and targets [B, T] (ids shifted by one). */
  next(): { ids: tf.Tensor2D; targets: tf.Tensor2D } {
    const { batch, time, stream } = this;
    const ids = new Int32Array(batch * time);
    const targets = new Int32Array(batch * time);
    for (let b = 0; b < batch; b++) {
      const start = this.rng.int(0, stream.length - time - 1);
      ids.set(stream.subarray(start, start + time), b * time);
      targets.set(stream.subarray(start + 1, start + time + 1), b * time);
    }
    return { ids: tf.tensor2d(ids, [batch, time], 'int32'), targets: tf.tensor2d(targets, [batch, time], 'int32') };
  }
}

/** Fixed, non-overlapping full-length windows from the start of a held-out stream (none from an empty stream). */
export function fixedWindows(stream: Int32Array, time: number, maxWindows: number): { ids: Int32Array; targets: Int32Array; count: number } {
  const count = Math.max(0, Math.min(maxWindows, Math.floor((stream.length - 1) / time)));
  const ids = new Int32Array(count * time);
  const targets = new Int32Array(count * time);
  for (let w = 0; w < count; w++) {
    ids.set(stream.subarray(w * time, (w + 1) * time), w * time);
    targets.set(stream.subarray(w * time + 1, (w + 1) * time + 1), w * time);
  }
  return { ids, targets, count };
}
