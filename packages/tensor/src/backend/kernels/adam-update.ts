import type { TensorInfo } from '#tfjs';
import type { AdamUpdateConfig } from '../../ops/index.js';
import { defineKernel, sizeOf, type BackendName } from '../kernel.js';
import { ADAM_UPDATE } from '../kernel-names.js';

/** The Adam(W) update over flat arrays (float64 arithmetic, float32 storage). */
export function adamRows(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, xo: Float32Array, mo: Float32Array, vo: Float32Array, c: AdamUpdateConfig): void {
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, c1, c2, gradScale: s } = c;
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  const ic1 = 1 / c1;
  const ic2 = 1 / c2;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] * s;
    const mi = b1 * m[i] + a1 * gi;
    const vi = b2 * v[i] + a2 * gi * gi;
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = x[i] - lr * ((mi * ic1) / (Math.sqrt(vi * ic2) + eps) + wd * x[i]);
  }
}

type Inputs = { x: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };

/** The fused Adam(W) update kernel, outputs [x', m', v'] (an optimiser step has no gradient). */
export function adamKernel(backendName: BackendName) {
  if (backendName === 'cpu') {
    return defineKernel<Inputs, AdamUpdateConfig, 'cpu'>(ADAM_UPDATE, 'cpu', ({ inputs: { x, g, m, v }, attrs, backend: b }) => {
      const n = sizeOf(x.shape);
      const [xo, mo, vo] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      const read = (t: TensorInfo) => b.readSync(t.dataId) as Float32Array;
      adamRows(read(x), read(g), read(m), read(v), xo, mo, vo, attrs);
      return [b.makeTensorInfo(x.shape, 'float32', xo), b.makeTensorInfo(x.shape, 'float32', mo), b.makeTensorInfo(x.shape, 'float32', vo)];
    });
  }
  return defineKernel<Inputs, AdamUpdateConfig>(ADAM_UPDATE, 'wasm', ({ inputs: { x, g, m, v }, attrs, backend: w }) => {
    const outs = [w.makeOutput(x.shape, 'float32'), w.makeOutput(x.shape, 'float32'), w.makeOutput(x.shape, 'float32')];
    const [xo, mo, vo] = outs.map((t) => w.typedArrayFromHeap(t));
    adamRows(w.typedArrayFromHeap(x), w.typedArrayFromHeap(g), w.typedArrayFromHeap(m), w.typedArrayFromHeap(v), xo, mo, vo, attrs);
    return outs;
  });
}
