import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { DecoderLM, decoderDefaults, initBackend, tf } from '@labbench/tensor';
import * as native from '../src/index.js';
import { stockWasmKernel } from '../../tensor/src/backend/patches.js';
import { ADAM_UPDATE, LABBENCH_KERNELS } from '../../tensor/src/backend/kernel-names.js';
import { adamUpdate, composedCrossEntropy, softmaxCrossEntropy } from '../../tensor/src/ops/index.js';

/**
 * Runs everywhere: with the addon built (OpenBLAS present) the native kernels are checked against
 * the stock wasm kernels on random shapes; without it, the fallback is checked (wasm runs, backend
 * info says nativeKernels false, the install step explains what to install and exits 0).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));

function run(config: KernelConfig, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): { shape: number[]; values: Float32Array }[] {
  const backend = tf.backend();
  const out = config.kernelFunc({ inputs: inputs as unknown as Record<string, TensorInfo>, attrs: attrs as never, backend });
  return (Array.isArray(out) ? out : [out]).map((t) => {
    const values = Float32Array.from(backend.readSync(t.dataId) as Float32Array);
    backend.disposeData(t.dataId);
    return { shape: [...t.shape], values };
  });
}

async function wasmInfo() {
  const info = await initBackend('wasm');
  await tf.setBackend('wasm');
  return info;
}

const stockOf = (name: string) => stockWasmKernel(name) as KernelConfig;

test(`native kernels ${native.available ? 'are active over wasm (addon built)' : 'are absent: wasm runs and backend info says so'}`, async () => {
  const info = await wasmInfo();
  assert.equal(info.name, 'wasm');
  assert.equal(info.nativeKernels, native.available && process.env.LABBENCH_NATIVE !== '0');
  if (!native.available) {
    assert.match(native.loadError ?? '', /libopenblas-dev/);
    assert.equal(native.register(LABBENCH_KERNELS), false);
  } else {
    assert.deepEqual(new Set(native.registered), new Set(['BatchMatMul', ADAM_UPDATE]));
    // _FusedMatMul is written once, in @labbench/tensor, over the native BatchMatMul and the addon's epilogue
    assert.notEqual(tf.getKernel('_FusedMatMul', 'wasm'), stockOf('_FusedMatMul'));
    assert.ok(native.threads() >= 1);
  }
});

test('without the addon (another machine without OpenBLAS), the wasm backend runs and nativeKernels is false', () => {
  const script = `
    const { initBackend, tf } = await import('@labbench/tensor');
    const info = await initBackend('auto');
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 4])).dataSync();
    console.log(JSON.stringify({ info, y: Array.from(y) }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root, encoding: 'utf8', env: { ...process.env, LABBENCH_NATIVE_ADDON: join(root, 'build', 'missing', 'tensor_native.node'), LABBENCH_BACKEND: '' },
  });
  assert.equal(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout.trim().split('\n').pop()!);
  assert.deepEqual(out.info, { name: 'wasm', nativeKernels: false });
  assert.deepEqual(out.y, new Array(8).fill(3));
});

test('the install step without a CBLAS explains what to install and exits 0 (npm ci keeps working)', () => {
  const child = spawnSync(process.execPath, [join(root, 'scripts', 'install.mjs')], {
    encoding: 'utf8', env: { ...process.env, PKG_CONFIG_LIBDIR: '/nonexistent', PKG_CONFIG_PATH: '' },
  });
  assert.equal(child.status, 0);
  assert.match(child.stderr, /libopenblas-dev/);
  assert.match(child.stderr, /wasm/);
});

test(`BatchMatMul: ${native.available ? 'native sgemm' : 'the active wasm kernel'} equals the stock wasm kernel on random shapes (ranks 2-4, batch 1, odd sizes, transposes, broadcast batches)`, async () => {
  await wasmInfo();
  const stock = stockOf('BatchMatMul');
  const kernel = native.available ? native.kernels(LABBENCH_KERNELS).find((k) => k.kernelName === 'BatchMatMul')! : tf.getKernel('BatchMatMul', 'wasm')!;
  const shapes = fc.record({
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), broadcast: fc.constantFrom('none', 'a', 'b'),
    m: fc.integer({ min: 1, max: 17 }), k: fc.integer({ min: 1, max: 17 }), n: fc.integer({ min: 1, max: 17 }),
    ta: fc.boolean(), tb: fc.boolean(), seed: fc.nat(1000),
  });
  fc.assert(fc.property(shapes, ({ batch, broadcast, m, k, n, ta, tb, seed }) => {
    const a = tf.randomNormal([...(broadcast === 'a' ? batch.map(() => 1) : batch), ...(ta ? [k, m] : [m, k])], 0, 1, 'float32', seed + 1);
    const b = tf.randomNormal([...(broadcast === 'b' ? batch.map(() => 1) : batch), ...(tb ? [n, k] : [k, n])], 0, 1, 'float32', seed + 2);
    const [want] = run(stock, { a, b }, { transposeA: ta, transposeB: tb });
    const [got] = run(kernel, { a, b }, { transposeA: ta, transposeB: tb });
    tf.dispose([a, b]);
    assert.deepEqual(got.shape, want.shape);
    return close(got.values, want.values);
  }), { numRuns: 60 });
  if (native.available) {
    // large enough to be split over the addon's threads (by rows, then by batches)
    for (const [as, bs, ta, tb] of [[[300, 70], [70, 90], false, false], [[70, 300], [90, 70], true, true], [[6, 40, 50], [6, 50, 60], false, false], [[1, 40, 50], [5, 60, 50], false, true]] as const) {
      const a = tf.randomNormal([...as], 0, 1, 'float32', 5);
      const b = tf.randomNormal([...bs], 0, 1, 'float32', 6);
      const [got] = run(kernel, { a, b }, { transposeA: ta, transposeB: tb });
      const cpuValues = await onCpu(() => tf.matMul(a.arraySync() as never, b.arraySync() as never, ta, tb));
      assert.ok(close(got.values, cpuValues), `shapes ${as} x ${bs}`);
      tf.dispose([a, b]);
    }
  }
});

/** Runs f on the cpu backend and returns its values (then back to wasm). */
async function onCpu(f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const values = tf.tidy(f).dataSync() as Float32Array;
  await tf.setBackend('wasm');
  return Float32Array.from(values);
}

test(`_FusedMatMul${native.available ? ' (native sgemm + bias + activation)' : ''} equals the cpu backend (the stock wasm kernel is wrong with transposes)`, async () => {
  await wasmInfo();
  const kernel = tf.getKernel('_FusedMatMul', 'wasm')!; // native: tensor's wrapper over sgemm and the native epilogue
  const cases = fc.record({ b: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 2, max: 9 }), n: fc.integer({ min: 1, max: 9 }), ta: fc.boolean(), tb: fc.boolean(), bias: fc.boolean(), activation: fc.constantFrom('linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'), seed: fc.nat(100) });
  await fc.assert(fc.asyncProperty(cases, async ({ b: batch, m, k, n, ta, tb, bias, activation, seed }) => {
    const a = tf.randomNormal([batch, ...(ta ? [k, m] : [m, k])], 0, 2, 'float32', seed + 1);
    const b = tf.randomNormal([batch, ...(tb ? [n, k] : [k, n])], 0, 2, 'float32', seed + 2);
    const biasT = bias ? tf.randomNormal([n], 0, 1, 'float32', seed + 3) : undefined;
    const attrs = { transposeA: ta, transposeB: tb, activation, leakyreluAlpha: 0.1 };
    const [got] = run(kernel, biasT ? { a, b, bias: biasT } : { a, b }, attrs);
    const [av, bv, biasV] = [a.arraySync(), b.arraySync(), biasT?.arraySync()];
    const want = await onCpu(() => tf.fused.matMul({ a: tf.tensor(av as number[][][]), b: tf.tensor(bv as number[][][]), transposeA: ta, transposeB: tb, bias: biasV ? tf.tensor(biasV as number[]) : undefined, activation: activation as 'relu', leakyreluAlpha: 0.1 }));
    tf.dispose([a, b, ...(biasT ? [biasT] : [])]);
    return close(got.values, want, 1e-4);
  }), { numRuns: 30 });
});

test(`softmax-cross-entropy (the registered kernel${native.available ? ' and the native one' : ''}) equals the composed loss and gradient, padding rows zero`, async () => {
  await wasmInfo();
  const input = fc.record({ rows: fc.integer({ min: 1, max: 9 }), cols: fc.integer({ min: 2, max: 70 }), scale: fc.constantFrom(1, 20, 80), seed: fc.nat(1000), pad: fc.nat(8) });
  fc.assert(fc.property(input, ({ rows, cols, scale, seed, pad }) => {
    const logits = tf.variable(tf.mul(tf.randomNormal([rows, cols], 0, 1, 'float32', seed + 1), scale) as tf.Tensor2D);
    const targets = tf.tensor1d(Array.from({ length: rows }, (_, r) => (r === pad ? -1 : (seed + r * 5) % cols)), 'int32');
    const grad = (f: typeof softmaxCrossEntropy) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(logits as unknown as tf.Tensor2D, targets), tf.range(1, rows + 1))) as tf.Scalar, [logits]);
      const out = { loss: value.dataSync()[0], g: Float32Array.from(grads[logits.name].dataSync()) };
      tf.dispose([value, grads]);
      return out;
    };
    const fused = grad(softmaxCrossEntropy);
    const composed = grad(composedCrossEntropy);
    let nativeOk = true;
    if (native.available) {
      const [n] = run(native.softmaxCrossEntropyKernel(native.binding!, LABBENCH_KERNELS), { logits, targets }, {});
      nativeOk = close(n.values, tf.tidy(() => composedCrossEntropy(logits as unknown as tf.Tensor2D, targets).dataSync()), 1e-4);
    }
    tf.dispose([logits, targets]);
    return nativeOk && Math.abs(fused.loss - composed.loss) <= 1e-4 * (1 + Math.abs(composed.loss)) && close(fused.g, composed.g, 2e-4);
  }), { numRuns: 30 });
});

test(`20 training steps of a tiny model: ${native.available ? 'native-accelerated wasm' : 'patched wasm'} gives the cpu backend's losses (same seed)`, async () => {
  const losses = async (backend: 'cpu' | 'wasm') => {
    await initBackend(backend);
    await tf.setBackend(backend);
    const { AdamW } = await import('@labbench/tensor');
    const model = new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 2, heads: 2, ffnHidden: 32, activation: 'relu', seqLen: 8 }, { vocabSize: 48, seqLen: 8, seed: 3 });
    const optimizer = new AdamW(model.variables, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, clipNorm: 0 });
    const out: number[] = [];
    for (let step = 0; step < 20; step++) {
      const ids = tf.tensor2d(Array.from({ length: 16 }, (_, i) => (i * 7 + step * 3) % 48), [2, 8], 'int32');
      const targets = tf.tensor1d(Array.from({ length: 16 }, (_, i) => (i * 5 + step) % 48), 'int32');
      const { tokenCrossEntropy } = await import('@labbench/tensor');
      const { value, grads } = tf.variableGrads(() => tf.mean(tokenCrossEntropy(tf.reshape(model.forward(ids, { training: true }).logits, [16, 48]) as tf.Tensor2D, targets).nll) as tf.Scalar, model.variables);
      out.push(value.dataSync()[0]);
      optimizer.step(model.variables.map((v) => grads[v.name]), 1e-2);
      tf.dispose([value, grads, ids, targets]);
    }
    optimizer.dispose();
    model.dispose();
    return out;
  };
  const cpu = await losses('cpu');
  const accelerated = await losses('wasm');
  assert.equal((await initBackend('wasm')).nativeKernels, native.available && process.env.LABBENCH_NATIVE !== '0');
  assert.ok(cpu[19] < cpu[0], 'the model learns');
  for (let i = 0; i < 20; i++) assert.ok(Math.abs(cpu[i] - accelerated[i]) <= 1e-3 * Math.abs(cpu[i]), `step ${i + 1}: cpu ${cpu[i]} vs accelerated ${accelerated[i]}`);
});

/** The Adam update through the native kernel, or (without the addon) the adamUpdate op as wasm runs it. */
function adamActive(inputs: Record<string, tf.Tensor>, config: Record<string, number>): { values: Float32Array }[] {
  if (native.available) return run(native.kernels(LABBENCH_KERNELS).find((k) => k.kernelName === ADAM_UPDATE)!, inputs, config);
  const outs = adamUpdate(inputs.x, inputs.g, inputs.m, inputs.v, config as never);
  const values = outs.map((o) => ({ values: Float32Array.from(o.dataSync()) }));
  tf.dispose(outs);
  return values;
}

test(`adamUpdate${native.available ? ' (native)' : ' (composed ops on wasm)'} equals the Adam(W) formula from stock ops`, async () => {
  await wasmInfo();
  const input = fc.record({ shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }), seed: fc.nat(1000), t: fc.integer({ min: 1, max: 50 }), wd: fc.constantFrom(0, 0.1), scale: fc.constantFrom(1, 0.25) });
  fc.assert(fc.property(input, ({ shape, seed, t, wd, scale }) => {
    const [x, g, m] = [1, 2, 3].map((i) => tf.randomNormal(shape, 0, 1, 'float32', seed + i));
    const v = tf.abs(tf.randomNormal(shape, 0, 1, 'float32', seed + 4));
    const c = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: wd, c1: 1 - 0.9 ** t, c2: 1 - 0.999 ** t, gradScale: scale };
    const got = adamActive({ x, g, m, v }, c);
    const want = tf.tidy(() => {
      const sg = tf.mul(g, scale);
      const m2 = tf.add(tf.mul(m, 0.9), tf.mul(sg, 0.1));
      const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(sg), 1 - 0.999));
      const update = tf.add(tf.div(tf.div(m2, c.c1), tf.add(tf.sqrt(tf.div(v2, c.c2)), 1e-8)), tf.mul(x, wd));
      return [tf.sub(x, tf.mul(update, 0.01)), m2, v2].map((w) => Float32Array.from(w.dataSync()));
    });
    tf.dispose([x, g, m, v]);
    return got.every((o, i) => close(o.values, want[i], 1e-5));
  }), { numRuns: 25 });
});

test(`softmax-cross-entropy and Adam on shapes large enough for the ${native.available ? "addon's threads" : 'row loops'} equal the stock-op formulas`, async () => {
  await wasmInfo();
  const logits = tf.variable(tf.mul(tf.randomNormal([300, 1000], 0, 1, 'float32', 11), 5));
  const targets = tf.tensor1d(Array.from({ length: 300 }, (_, r) => (r % 17 === 0 ? -1 : (r * 31) % 1000)), 'int32');
  const grad = (f: typeof softmaxCrossEntropy) => {
    const { value, grads } = tf.variableGrads(() => tf.sum(f(logits as unknown as tf.Tensor2D, targets)) as tf.Scalar, [logits]);
    const out = { loss: value.dataSync()[0], g: Float32Array.from(grads[logits.name].dataSync()) };
    tf.dispose([value, grads]);
    return out;
  };
  const [fused, composed] = [grad(softmaxCrossEntropy), grad(composedCrossEntropy)];
  assert.ok(Math.abs(fused.loss - composed.loss) <= 1e-4 * Math.abs(composed.loss), `${fused.loss} vs ${composed.loss}`);
  assert.ok(close(fused.g, composed.g, 2e-4));
  tf.dispose([logits, targets]);
  const [x, g, m] = [1, 2, 3].map((i) => tf.randomNormal([1000, 300], 0, 1, 'float32', i));
  const v = tf.abs(tf.randomNormal([1000, 300], 0, 1, 'float32', 4));
  const c = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, c1: 0.5, c2: 0.01, gradScale: 0.5 };
  const [xo] = adamActive({ x, g, m, v }, c);
  const want = tf.tidy(() => {
    const sg = tf.mul(g, 0.5);
    const m2 = tf.add(tf.mul(m, 0.9), tf.mul(sg, 0.1));
    const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(sg), 1 - 0.999));
    return tf.sub(x, tf.mul(tf.add(tf.div(tf.div(m2, 0.5), tf.add(tf.sqrt(tf.div(v2, 0.01)), 1e-8)), tf.mul(x, 0.1)), 0.01)).dataSync();
  });
  assert.ok(close(xo.values, want, 1e-5));
  tf.dispose([x, g, m, v]);
});
