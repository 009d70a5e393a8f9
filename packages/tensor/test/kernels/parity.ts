import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { initBackend, tf } from '../../src/index.js';

/**
 * Shared by the per-kernel parity tests of the pure-wasm patches: each patch against the stock
 * wasm kernel it replaces, called directly on the same inputs, on random shapes.
 */
export async function wasm(): Promise<void> {
  await initBackend('wasm');
  await tf.setBackend('wasm');
}

export function run(config: KernelConfig, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): { shape: number[]; values: Float32Array }[] {
  const backend = tf.backend();
  const out = config.kernelFunc({ inputs: inputs as unknown as Record<string, TensorInfo>, attrs: attrs as never, backend });
  return (Array.isArray(out) ? out : [out]).map((t) => {
    const values = Float32Array.from(backend.readSync(t.dataId) as Float32Array);
    backend.disposeData(t.dataId);
    return { shape: [...t.shape], values };
  });
}

export const close = (a: Float32Array, b: Float32Array, tol = 1e-4) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));
