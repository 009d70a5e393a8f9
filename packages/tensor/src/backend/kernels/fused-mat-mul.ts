import { _FusedMatMul, type KernelConfig, type TensorInfo } from '#tfjs';
import { defineKernel, runKernel, sizeOf } from '../kernel.js';

const jsActivations: Record<string, ((x: number, alpha: number) => number) | undefined> = {
  linear: undefined,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  leakyrelu: (x, alpha) => (x > 0 ? x : alpha * x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
};

export interface FusedMatMulInputs {
  a: TensorInfo;
  b: TensorInfo;
  bias?: TensorInfo;
  preluActivationWeights?: TensorInfo;
}
export interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
  leakyreluAlpha?: number;
}

/**
 * wasm's stock _FusedMatMul is wrong with either transpose flag, and adds the bias wrongly when
 * the batch is > 1 (both checked against the cpu backend in the tests). It stays in use for one
 * matrix without transposes; otherwise `matMul` (the patched BatchMatMul) runs, then bias and
 * activation in one JS pass over the output (prelu through the stock Prelu kernel).
 */
export function fusedMatMulKernel(matMul: KernelConfig, stockFused: KernelConfig, stockPrelu: KernelConfig | undefined): KernelConfig {
  return defineKernel<FusedMatMulInputs, FusedMatMulAttrs>(_FusedMatMul, 'wasm', ({ inputs, attrs, backend: w, raw }) => {
    const { a, b, bias, preluActivationWeights } = inputs;
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs;
    const batch = Math.max(sizeOf(a.shape.slice(0, -2)), sizeOf(b.shape.slice(0, -2)));
    if (!transposeA && !transposeB && batch === 1) return stockFused.kernelFunc(raw);
    const out = runKernel(matMul, { a, b }, { transposeA, transposeB }, w);
    const n = out.shape[out.shape.length - 1];
    const f = jsActivations[activation ?? 'linear'];
    if (bias || f) {
      const c = w.typedArrayFromHeap(out);
      const bv = bias ? w.typedArrayFromHeap(bias) : undefined;
      const alpha = leakyreluAlpha ?? 0.2;
      for (let i = 0; i < c.length; i += n) {
        for (let j = 0; j < n; j++) {
          let v = c[i + j];
          if (bv) v += bv.length === 1 ? bv[0] : bv[j];
          c[i + j] = f ? f(v, alpha) : v;
        }
      }
    }
    if (activation === 'prelu' && preluActivationWeights && stockPrelu) {
      const y = runKernel(stockPrelu, { x: out, alpha: preluActivationWeights }, {}, w);
      w.disposeData(out.dataId);
      return y;
    }
    if (!(activation in jsActivations) && activation !== 'prelu') throw new Error(`_FusedMatMul: activation '${activation}' is not supported on wasm.`);
    return out;
  });
}
