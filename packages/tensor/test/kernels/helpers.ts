import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select.js';

/** Shared by the per-kernel parity tests: backends, closeness, gradients of a scalar of an op. */
export const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));

/** The backends a fused kernel runs on here: wasm (native loops when the addon is built, else JS) and cpu (JS). */
export async function onEachBackend(f: (backend: string) => Promise<void> | void): Promise<void> {
  await initBackend('wasm');
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    await f(backend);
  }
  await tf.setBackend('wasm');
}

/** Values and the gradients of sum(op(inputs) * w) for fixed random weights w (exercises the backward kernel). */
export function valueAndGrads(op: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], seed: number): { value: Float32Array; grads: Float32Array[] } {
  return tf.tidy(() => {
    const value = op(...inputs);
    const w = tf.randomNormal(value.shape, 0, 1, 'float32', seed);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), w)))(inputs);
    return { value: value.dataSync() as Float32Array, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}
