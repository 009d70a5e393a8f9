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

/** A native epilogue: c = act(c + bias) in place over [rows, n] (activation codes below; @labbench/tensor-native's biasActivation). */
export type BiasActivation = (c: Float32Array, bias: Float32Array | null, rows: number, n: number, activation: number, alpha: number) => void;
/** Activation codes of the native epilogue. */
export const activationCodes: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3, sigmoid: 4, elu: 5 };

/**
 * The one _FusedMatMul of labbench (pure wasm and native): `matMul` (the patched or the native
 * BatchMatMul), then bias and activation in one pass over the output: `native` (the addon's
 * epilogue) when given, else a JS pass; prelu through the stock Prelu kernel. wasm's stock
 * _FusedMatMul is wrong with either transpose flag and adds the bias wrongly when the batch is > 1
 * (both checked against the cpu backend in the tests); without a native epilogue it still runs one
 * matrix without transposes, where it is right and uses XNNPACK.
 */
export function fusedMatMulKernel(matMul: KernelConfig, stockFused: KernelConfig | undefined, stockPrelu: KernelConfig | undefined, native?: BiasActivation): KernelConfig {
  return defineKernel<FusedMatMulInputs, FusedMatMulAttrs>(_FusedMatMul, 'wasm', ({ inputs, attrs, backend: w, raw }) => {
    const { a, b, bias, preluActivationWeights } = inputs;
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs;
    const batch = Math.max(sizeOf(a.shape.slice(0, -2)), sizeOf(b.shape.slice(0, -2)));
    if (stockFused && !native && !transposeA && !transposeB && batch === 1) return stockFused.kernelFunc(raw);
    if (!(activation in jsActivations) && activation !== 'prelu') throw new Error(`_FusedMatMul: activation '${activation}' is not supported on wasm.`);
    const out = runKernel(matMul, { a, b }, { transposeA, transposeB }, w);
    const n = out.shape[out.shape.length - 1];
    const alpha = leakyreluAlpha ?? 0.2;
    const code = activationCodes[activation ?? 'linear'];
    const f = jsActivations[activation ?? 'linear'];
    const vectorBias = !bias || (bias.shape.length === 1 && (bias.shape[0] === n || bias.shape[0] === 1));
    if (native && code !== undefined && vectorBias && (bias || code !== 0)) {
      let bv = bias ? w.typedArrayFromHeap(bias) : null;
      if (bv && bv.length === 1 && n !== 1) bv = new Float32Array(n).fill(bv[0]);
      native(w.typedArrayFromHeap(out), bv, sizeOf(out.shape) / n, n, code, alpha);
    } else if (bias || f) {
      const c = w.typedArrayFromHeap(out);
      const bv = bias ? w.typedArrayFromHeap(bias) : undefined;
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
    return out;
  });
}
