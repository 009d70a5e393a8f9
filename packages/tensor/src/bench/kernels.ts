import { Bench } from 'tinybench';
import * as tf from '#tfjs';
import type { KernelConfig, TensorInfo } from '#tfjs';
import { initBackend, loadNative, nativeUnavailableReason } from '../backend/select.js';
import { patchedKernel, stockWasmKernel } from '../backend/patches.js';
import { ATTENTION_SOFTMAX, LAYER_NORM, RMS_NORM, RMS_NORM_GRAD, SWIGLU, SWIGLU_GRAD } from '../backend/kernel-names.js';
import { causalMask } from '../nn/blocks.js';
import { ADAM_UPDATE, SOFTMAX_CROSS_ENTROPY, composedCrossEntropy } from '../ops/index.js';

/**
 * `labbench bench kernels [--json] [--time ms]`: each patched (pure wasm) or native kernel against
 * the stock wasm kernel on the shapes of the `ref` model's training step (N = 1024 tokens, D 256,
 * F 1024, V 2048, 4 heads of 64, context 128). Kernels are called directly (no mode switching), so
 * every variant of a case runs in the same process on the same inputs. tinybench runs with
 * `throws: true`: a kernel that throws fails the benchmark loudly.
 */
interface Case {
  readonly kernel: string;
  readonly name: string;
  /** FLOPs (matmuls) or bytes moved (others) per call. */
  readonly work: number;
  readonly unit: 'GFLOP/s' | 'GB/s';
  readonly inputs: () => Record<string, tf.Tensor>;
  readonly attrs: Record<string, unknown>;
  /** Stock implementation when tfjs has no kernel of that name (the op tfjs would run instead). */
  readonly stockOp?: (inputs: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[];
  /** Variants to leave out: the patch delegates to the stock kernel for these shapes. */
  readonly skip?: readonly ('patched' | 'native')[];
}

const N = 1024;
const D = 256;
const F = 1024;
const V = 2048;

function cases(): Case[] {
  const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
  const mm = (name: string, aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean, skip?: Case['skip']): Case => {
    const m = transposeA ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
    const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
    const n = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
    const batch = Math.max(aShape.slice(0, -2).reduce((p, d) => p * d, 1), bShape.slice(0, -2).reduce((p, d) => p * d, 1));
    return { kernel: 'BatchMatMul', name, work: 2 * batch * m * n * k, unit: 'GFLOP/s', inputs: () => ({ a: r(aShape, 1), b: r(bShape, 2) }), attrs: { transposeA, transposeB }, skip };
  };
  return [
    mm('x W (forward dense, [1024,256] x [256,1024])', [N, D], [D, F], false, false, ['patched']),
    mm('x^T dy (weight gradient, transposeA)', [N, D], [N, F], true, false),
    mm('dy W^T (input gradient, transposeB)', [N, F], [D, F], false, true),
    mm('Q K^T (attention scores, [32,128,64] batched, transposeB)', [32, 128, 64], [32, 128, 64], false, true),
    mm('P V (attention mixing, [32,128,128] x [32,128,64])', [32, 128, 128], [32, 128, 64], false, false),
    mm('dP^T Q (attention gradient, batched, transposeA)', [32, 128, 128], [32, 128, 64], true, false),
    {
      kernel: '_FusedMatMul', name: 'fused x W + b, relu ([1,1024,256] x [1,256,1024])', work: 2 * N * D * F, unit: 'GFLOP/s',
      inputs: () => ({ a: r([1, N, D], 1), b: r([1, D, F], 2), bias: r([F], 3) }), attrs: { transposeA: false, transposeB: false, activation: 'relu' }, skip: ['patched'],
    },
    {
      kernel: 'Transpose', name: 'rank-5 transpose [8,128,3,4,64] -> [3,8,4,128,64]', work: 2 * 4 * 8 * 128 * 3 * 4 * 64, unit: 'GB/s',
      inputs: () => ({ x: r([8, 128, 3, 4, 64], 1) }), attrs: { perm: [2, 0, 3, 1, 4] },
    },
    {
      kernel: 'SplitV', name: 'fused QKV split [8,128,768] -> 3 x [8,128,256]', work: 2 * 4 * N * 3 * D, unit: 'GB/s',
      inputs: () => ({ x: r([8, 128, 3 * D], 1) }), attrs: { numOrSizeSplits: 3, axis: 2 },
    },
    {
      kernel: 'Identity', name: 'clone of a tensor saved for backward ([1024, 1024])', work: 2 * 4 * N * F, unit: 'GB/s',
      inputs: () => ({ x: r([N, F], 1) }), attrs: {},
    },
    {
      kernel: ADAM_UPDATE, name: 'Adam update of a [1024, 1024] weight (x, g, m, v in; x, m, v out)', work: 7 * 4 * N * F, unit: 'GB/s',
      inputs: () => ({ x: r([N, F], 1), g: r([N, F], 2), m: r([N, F], 3), v: tf.abs(r([N, F], 4)) }),
      attrs: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, c1: 0.1, c2: 0.001, gradScale: 1 },
      // what AdamW runs without the fused kernel: a dozen elementwise kernels
      stockOp: ({ x, g, m, v }) => {
        const m2 = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
        const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001));
        return [tf.sub(x, tf.mul(tf.div(tf.div(m2, 0.1), tf.add(tf.sqrt(tf.div(v2, 0.001)), 1e-8)), 1e-3)), m2, v2];
      },
    },
    {
      kernel: SOFTMAX_CROSS_ENTROPY, name: 'softmax-cross-entropy, loss and gradient ([1024, 2048])', work: 4 * 3 * N * V, unit: 'GB/s',
      inputs: () => ({ logits: r([N, V], 1), targets: tf.randomUniformInt([N], 0, V, 2) }), attrs: {},
      // what runs without the fused kernel: log-softmax, one-hot mask, and their gradients
      stockOp: ({ logits, targets }) => tf.grad((l: tf.Tensor) => tf.sum(composedCrossEntropy(l as tf.Tensor2D, targets as tf.Tensor1D)))(logits),
    },
    // the fused kernels against the stock ops they replace (forward, and the gradients that dominate)
    {
      kernel: RMS_NORM, name: 'RMSNorm forward ([1024, 256])', work: 4 * 2 * N * D, unit: 'GB/s',
      inputs: () => ({ x: r([N, D], 1), gain: r([D], 2) }), attrs: { eps: 1e-5 },
      stockOp: ({ x, gain }) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5))), gain),
    },
    {
      kernel: RMS_NORM_GRAD, name: 'RMSNorm gradient ([1024, 256])', work: 4 * 3 * N * D, unit: 'GB/s',
      inputs: () => ({ dy: r([N, D], 1), x: r([N, D], 2), gain: r([D], 3), rinv: tf.abs(r([N], 4)) }), attrs: {},
      stockOp: ({ dy, x, gain }) => tf.grads((a: tf.Tensor, g: tf.Tensor) => tf.sum(tf.mul(tf.mul(tf.mul(a, tf.rsqrt(tf.add(tf.mean(tf.square(a), -1, true), 1e-5))), g), dy)))([x, gain]),
    },
    {
      kernel: LAYER_NORM, name: 'LayerNorm forward ([1024, 256])', work: 4 * 2 * N * D, unit: 'GB/s',
      inputs: () => ({ x: r([N, D], 1), gain: r([D], 2), bias: r([D], 3) }), attrs: { eps: 1e-5 },
      stockOp: ({ x, gain, bias }) => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gain), bias);
      },
    },
    {
      kernel: SWIGLU, name: 'SwiGLU forward ([1024, 2 x 1024] -> [1024, 1024])', work: 4 * 3 * N * F, unit: 'GB/s',
      inputs: () => ({ x: r([N, 2 * F], 1) }), attrs: {},
      stockOp: ({ x }) => {
        const [a, b] = tf.split(x, 2, 1);
        return tf.mul(tf.mul(a, tf.sigmoid(a)), b);
      },
    },
    {
      kernel: SWIGLU_GRAD, name: 'SwiGLU gradient ([1024, 1024] -> [1024, 2 x 1024])', work: 4 * 5 * N * F, unit: 'GB/s',
      inputs: () => ({ dy: r([N, F], 1), x: r([N, 2 * F], 2) }), attrs: {},
      stockOp: ({ dy, x }) => tf.grad((u: tf.Tensor) => {
        const [a, b] = tf.split(u, 2, 1);
        return tf.sum(tf.mul(tf.mul(tf.mul(a, tf.sigmoid(a)), b), dy));
      })(x),
    },
    {
      kernel: ATTENTION_SOFTMAX, name: 'attention softmax, scaled and causal ([8,4,128,128])', work: 4 * 2 * 8 * 4 * 128 * 128, unit: 'GB/s',
      inputs: () => ({ scores: r([8, 4, 128, 128], 1) }), attrs: { scale: 0.125, causal: true },
      stockOp: ({ scores }) => tf.softmax(tf.add(tf.mul(scores, 0.125), causalMask(128))),
    },
    {
      kernel: 'UnsortedSegmentSum', name: 'embedding gradient ([1024, 256] into [2048, 256])', work: 4 * 2 * N * D, unit: 'GB/s',
      inputs: () => ({ x: r([N, D], 1), segmentIds: tf.randomUniformInt([N], 0, V, 2) }), attrs: { numSegments: V },
      // wasm has no UnsortedSegmentSum: without the patch an embedding gradient is a one-hot matmul
      stockOp: ({ x, segmentIds }) => tf.matMul(tf.cast(tf.oneHot(segmentIds, V), 'float32'), x, true, false),
    },
  ];
}

interface Row { kernel: string; case: string; variant: 'stock' | 'patched' | 'native'; medianMs: number; rme: number; throughput: number; unit: string; samples: number; speedup?: number }

export async function kernelsBenchmark(options: Readonly<Record<string, string | boolean | undefined>>): Promise<Record<string, unknown>> {
  await initBackend('wasm');
  await tf.setBackend('wasm');
  const native = await loadNative();
  const nativeKernels = new Map<string, KernelConfig>((native?.kernels() ?? []).map((k) => [k.kernelName, k]));
  const backend = tf.backend();
  const time = Number(options.time ?? 400);
  const bench = new Bench({ time, iterations: 3, warmupIterations: 1, warmupTime: 0, throws: true });
  const meta = new Map<string, { kernel: string; case: string; variant: Row['variant']; work: number; unit: string }>();
  const held: tf.Tensor[] = [];
  for (const c of cases()) {
    const inputs = c.inputs();
    held.push(...Object.values(inputs));
    const variants: [Row['variant'], () => void][] = [];
    const call = (config: KernelConfig) => () => {
      const out = config.kernelFunc({ inputs: inputs as unknown as Record<string, TensorInfo>, attrs: c.attrs as never, backend });
      for (const t of Array.isArray(out) ? out : [out]) backend.disposeData(t.dataId);
    };
    const stock = stockWasmKernel(c.kernel);
    if (stock) variants.push(['stock', call(stock)]);
    else if (c.stockOp) variants.push(['stock', () => tf.dispose(tf.tidy(() => c.stockOp!(inputs)))]);
    const patched = patchedKernel(c.kernel);
    if (patched && !c.skip?.includes('patched')) variants.push(['patched', call(patched)]);
    const nat = nativeKernels.get(c.kernel);
    if (nat && !c.skip?.includes('native')) variants.push(['native', call(nat)]);
    for (const [variant, fn] of variants) {
      const name = `${c.name} [${variant}]`;
      meta.set(name, { kernel: c.kernel, case: c.name, variant, work: c.work, unit: c.unit });
      bench.add(name, fn);
    }
  }
  try {
    await bench.run();
  } finally {
    tf.dispose(held);
  }
  const rows: Row[] = [];
  for (const task of bench.tasks) {
    const result = task.result as { state: string; latency?: { p50: number; rme: number; samplesCount?: number }; error?: Error };
    if (result.state !== 'completed' || !result.latency) throw new Error(`kernels: task '${task.name}' did not complete (${result.state}${result.error ? `: ${result.error.message}` : ''})`);
    const m = meta.get(task.name)!;
    const medianMs = result.latency.p50;
    rows.push({ kernel: m.kernel, case: m.case, variant: m.variant, medianMs, rme: result.latency.rme, throughput: m.work / (medianMs / 1000) / 1e9, unit: m.unit, samples: result.latency.samplesCount ?? 0 });
  }
  for (const row of rows) {
    const stock = rows.find((r) => r.case === row.case && r.variant === 'stock');
    if (stock && row.variant !== 'stock') row.speedup = stock.medianMs / row.medianMs;
  }
  const slower = rows.filter((r) => r.speedup !== undefined && r.speedup < 1);
  return {
    backend: { name: 'wasm', nativeKernels: nativeKernels.size > 0 },
    native: native ? 'loaded' : nativeUnavailableReason(),
    rows,
    allAtLeastStock: slower.length === 0,
    slower: slower.map((r) => `${r.case} [${r.variant}]: ${r.speedup!.toFixed(2)}x`),
    summary: rows.map((r) => `${r.case.padEnd(62)} ${r.variant.padEnd(8)} ${r.medianMs.toFixed(2).padStart(8)} ms  ${r.throughput.toFixed(1).padStart(6)} ${r.unit} ±${r.rme.toFixed(1)}%${r.speedup ? `  x${r.speedup.toFixed(1)} vs stock` : ''}`),
  };
}
