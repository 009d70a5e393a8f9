import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { initBackend, tf } from '../src/index.js';
import { adamRows, patchedKernel, simplifyTranspose, stockWasmKernel } from '../src/backend/patches.js';
import { setWasmKernels } from '../src/backend/select.js';
import { composedCrossEntropy, softmaxCrossEntropy } from '../src/ops/index.js';

/**
 * Each pure-wasm patch against the stock wasm kernel it replaces, called directly on the same
 * inputs, on random shapes (ranks 2-4, batch 1, odd sizes, broadcast batches).
 */
async function wasm(): Promise<void> {
  await initBackend('wasm');
  await tf.setBackend('wasm');
}

function run(config: KernelConfig, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): { shape: number[]; values: Float32Array }[] {
  const backend = tf.backend();
  const out = config.kernelFunc({ inputs: inputs as unknown as Record<string, TensorInfo>, attrs: attrs as never, backend });
  return (Array.isArray(out) ? out : [out]).map((t) => {
    const values = Float32Array.from(backend.readSync(t.dataId) as Float32Array);
    backend.disposeData(t.dataId);
    return { shape: [...t.shape], values };
  });
}

const close = (a: Float32Array, b: Float32Array, tol = 1e-4) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));

test('wasm BatchMatMul patch (transposes materialised, batches as 2-D XNNPACK matmuls on heap views) equals the stock kernel on random shapes', async () => {
  await wasm();
  const stock = stockWasmKernel('BatchMatMul')!;
  const patched = patchedKernel('BatchMatMul')!;
  assert.ok(stock && patched && stock !== patched);
  const shapes = fc.record({
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    broadcast: fc.constantFrom('none', 'a', 'b'),
    m: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }),
    ta: fc.boolean(), tb: fc.boolean(), seed: fc.nat(1000),
  });
  fc.assert(fc.property(shapes, ({ batch, broadcast, m, k, n, ta, tb, seed }) => {
    const outerA = broadcast === 'a' ? batch.map(() => 1) : batch;
    const outerB = broadcast === 'b' ? batch.map(() => 1) : batch;
    const a = tf.randomNormal([...outerA, ...(ta ? [k, m] : [m, k])], 0, 1, 'float32', seed + 1);
    const b = tf.randomNormal([...outerB, ...(tb ? [n, k] : [k, n])], 0, 1, 'float32', seed + 2);
    const attrs = { transposeA: ta, transposeB: tb };
    const [want] = run(stock, { a, b }, attrs);
    const [got] = run(patched, { a, b }, attrs);
    tf.dispose([a, b]);
    assert.deepEqual(got.shape, want.shape);
    return close(got.values, want.values);
  }), { numRuns: 60 });
});

test('wasm Transpose patch (merged dims; strided copy above rank 4) equals the stock kernel for ranks 1-6 and any permutation', async () => {
  await wasm();
  const stock = stockWasmKernel('Transpose')!;
  const patched = patchedKernel('Transpose')!;
  const input = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }).chain((shape) => fc.record({
    shape: fc.constant(shape),
    perm: fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length }),
  }));
  fc.assert(fc.property(input, ({ shape, perm }) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
    const [want] = run(stock, { x }, { perm });
    const [got] = run(patched, { x }, { perm });
    x.dispose();
    assert.deepEqual(got.shape, want.shape);
    return got.values.every((v, i) => v === want.values[i]);
  }), { numRuns: 80 });
});

test('simplifyTranspose: merges dims that stay adjacent and keeps the element count', () => {
  assert.deepEqual(simplifyTranspose([8, 128, 4, 64], [0, 2, 1, 3]), { shape: [8, 128, 4, 64], perm: [0, 2, 1, 3] });
  assert.deepEqual(simplifyTranspose([2, 3, 4, 5], [2, 3, 0, 1]), { shape: [6, 20], perm: [1, 0] });
  assert.deepEqual(simplifyTranspose([2, 1, 3], [1, 0, 2]), { shape: [6], perm: [0] });
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), (shape) => {
    const perm = shape.map((_, i) => i).reverse();
    const s = simplifyTranspose(shape, perm);
    return s.shape.reduce((p, d) => p * d, 1) === shape.reduce((p, d) => p * d, 1) && [...s.perm].sort().every((p, i) => p === i);
  }));
});

const ceInput = fc.record({
  // tf.oneHot (inside the reference) needs depth >= 2
  rows: fc.integer({ min: 1, max: 7 }), cols: fc.integer({ min: 2, max: 40 }), seed: fc.nat(1000), scale: fc.constantFrom(1, 10, 60),
  pad: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
});

function crossEntropyCase(rows: number, cols: number, seed: number, scale: number, pad: boolean[]) {
  const logits = tf.mul(tf.randomNormal([rows, cols], 0, 1, 'float32', seed + 1), scale) as tf.Tensor2D;
  const ids = Array.from({ length: rows }, (_, r) => (pad[r] ? -1 : (seed * 7 + r * 13) % cols));
  const targets = tf.tensor1d(ids, 'int32');
  const loss = (f: typeof softmaxCrossEntropy) => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(logitsVar, targets), tf.range(1, rows + 1))) as tf.Scalar, [logitsVar]);
    const out = { loss: value.dataSync()[0], nll: f(logitsVar, targets).dataSync(), grad: grads[logitsVar.name].dataSync() as Float32Array };
    tf.dispose([value, grads]);
    return out;
  };
  const logitsVar = tf.variable(logits);
  logits.dispose();
  const fused = loss(softmaxCrossEntropy);
  const composed = loss(composedCrossEntropy);
  tf.dispose([logitsVar, targets]);
  return { fused, composed };
}

for (const backendName of ['wasm', 'cpu'] as const) {
  test(`softmaxCrossEntropy (fused kernel on ${backendName}) equals log-softmax + one-hot from stock ops: losses and gradients, padding rows zero`, async () => {
    await initBackend(backendName);
    await tf.setBackend(backendName);
    if (backendName === 'wasm') await setWasmKernels('patched');
    assert.ok(tf.getKernel('LabbenchSoftmaxCrossEntropy', backendName), 'the fused kernel is registered');
    fc.assert(fc.property(ceInput, ({ rows, cols, seed, scale, pad }) => {
      const { fused, composed } = crossEntropyCase(rows, cols, seed, scale, pad);
      pad.slice(0, rows).forEach((p, r) => p && assert.equal(fused.nll[r], 0));
      return close(Float32Array.from(fused.nll), Float32Array.from(composed.nll), 1e-4) && close(fused.grad, composed.grad, 1e-4);
    }), { numRuns: 30 });
  });
}

test('switching wasm kernel sets (stock, patched) keeps results and reports nativeKernels false', async () => {
  await wasm();
  const f = () => tf.tidy(() => tf.matMul(tf.randomNormal([3, 5, 4], 0, 1, 'float32', 3), tf.randomNormal([3, 6, 4], 0, 1, 'float32', 4), false, true).dataSync());
  const stockInfo = await setWasmKernels('stock');
  const a = f();
  const patchedInfo = await setWasmKernels('patched');
  const b = f();
  assert.equal(stockInfo.nativeKernels, false);
  assert.equal(patchedInfo.nativeKernels, false);
  assert.ok(close(Float32Array.from(b), Float32Array.from(a)));
});

test('wasm _FusedMatMul patch equals the cpu backend (the stock kernel is wrong with transposes and with bias at batch > 1)', async () => {
  await wasm();
  const patched = patchedKernel('_FusedMatMul')!;
  assert.ok(patched);
  const cases = fc.record({ b: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 1, max: 7 }), ta: fc.boolean(), tb: fc.boolean(), bias: fc.boolean(), activation: fc.constantFrom('linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'), seed: fc.nat(100) });
  await fc.assert(fc.asyncProperty(cases, async ({ b: batch, m, k, n, ta, tb, bias, activation, seed }) => {
    const a = tf.randomNormal([batch, ...(ta ? [k, m] : [m, k])], 0, 2, 'float32', seed + 1);
    const b = tf.randomNormal([batch, ...(tb ? [n, k] : [k, n])], 0, 2, 'float32', seed + 2);
    const biasT = bias ? tf.randomNormal([n], 0, 1, 'float32', seed + 3) : undefined;
    const [got] = run(patched, biasT ? { a, b, bias: biasT } : { a, b }, { transposeA: ta, transposeB: tb, activation, leakyreluAlpha: 0.1 });
    const [av, bv, biasV] = [a.arraySync(), b.arraySync(), biasT?.arraySync()];
    tf.dispose([a, b, ...(biasT ? [biasT] : [])]);
    await tf.setBackend('cpu');
    const want = tf.tidy(() => tf.fused.matMul({ a: tf.tensor(av as number[][][]), b: tf.tensor(bv as number[][][]), transposeA: ta, transposeB: tb, bias: biasV ? tf.tensor(biasV as number[]) : undefined, activation: activation as 'relu', leakyreluAlpha: 0.1 }).dataSync());
    await tf.setBackend('wasm');
    return close(got.values, Float32Array.from(want));
  }), { numRuns: 30 });
});

const adamInput = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }), seed: fc.nat(1000), t: fc.integer({ min: 1, max: 50 }),
  lr: fc.constantFrom(1e-3, 3e-2), wd: fc.constantFrom(0, 0.1), scale: fc.constantFrom(1, 0.25),
});

/** adamUpdate through the registered kernel vs the same formula from stock ops. */
function adamMatches({ shape, seed, t, lr, wd, scale }: { shape: number[]; seed: number; t: number; lr: number; wd: number; scale: number }, kernel: KernelConfig): boolean {
  const [x, g, m] = [1, 2, 3].map((i) => tf.randomNormal(shape, 0, 1, 'float32', seed + i));
  const v = tf.abs(tf.randomNormal(shape, 0, 1, 'float32', seed + 4));
  const config = { learningRate: lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: wd, c1: 1 - 0.9 ** t, c2: 1 - 0.999 ** t, gradScale: scale };
  const got = run(kernel, { x, g, m, v }, config);
  const sg = tf.mul(g, scale);
  const m2 = tf.add(tf.mul(m, 0.9), tf.mul(sg, 0.1));
  const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(sg), 1 - 0.999));
  const update = tf.add(tf.div(tf.div(m2, config.c1), tf.add(tf.sqrt(tf.div(v2, config.c2)), 1e-8)), tf.mul(x, wd));
  const want = [tf.sub(x, tf.mul(update, lr)), m2, v2].map((w) => Float32Array.from(w.dataSync()));
  tf.dispose([x, g, m, v, sg, m2, v2, update]);
  return got.every((o, i) => close(o.values, want[i], 1e-5));
}

test('adamUpdate (fused kernel on cpu; composed ops on patched wasm) equals the Adam(W) formula from stock ops', async () => {
  await initBackend('cpu');
  await tf.setBackend('cpu');
  const kernel = tf.getKernel('LabbenchAdamUpdate', 'cpu')!;
  assert.ok(kernel);
  fc.assert(fc.property(adamInput, (input) => adamMatches(input, kernel)), { numRuns: 25 });
  await wasm();
  await setWasmKernels('patched');
  assert.equal(tf.getKernel('LabbenchAdamUpdate', 'wasm'), undefined);
  const { adamUpdate } = await import('../src/ops/index.js');
  fc.assert(fc.property(adamInput, ({ shape, seed, t, lr, wd, scale }) => {
    const [x, g, m] = [1, 2, 3].map((i) => tf.randomNormal(shape, 0, 1, 'float32', seed + i));
    const v = tf.abs(tf.randomNormal(shape, 0, 1, 'float32', seed + 4));
    const config = { learningRate: lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: wd, c1: 1 - 0.9 ** t, c2: 1 - 0.999 ** t, gradScale: scale };
    const got = adamUpdate(x, g, m, v, config).map((o) => Float32Array.from(o.dataSync()));
    const want = { x: new Float32Array(x.size), m: new Float32Array(x.size), v: new Float32Array(x.size) };
    adamRows(x.dataSync() as Float32Array, g.dataSync() as Float32Array, m.dataSync() as Float32Array, v.dataSync() as Float32Array, want.x, want.m, want.v, config);
    tf.dispose([x, g, m, v]);
    return close(got[0], want.x, 1e-5) && close(got[1], want.m, 1e-5) && close(got[2], want.v, 1e-5);
  }), { numRuns: 15 });
});

test('wasm UnsortedSegmentSum (the embedding gradient; wasm has none) equals the cpu backend on random shapes', async () => {
  const input = fc.record({ n: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 7 }), segments: fc.integer({ min: 1, max: 9 }), seed: fc.nat(1000) });
  await fc.assert(fc.asyncProperty(input, async ({ n, d, segments, seed }) => {
    const x = Array.from({ length: n * d }, (_, i) => Math.sin(seed + i));
    const ids = Array.from({ length: n }, (_, i) => (seed * 3 + i * 7) % segments);
    const f = () => tf.unsortedSegmentSum(tf.tensor2d(x, [n, d]), tf.tensor1d(ids, 'int32'), segments);
    await tf.setBackend('cpu');
    const want = Float32Array.from(tf.tidy(f).dataSync());
    await wasm();
    const got = Float32Array.from(tf.tidy(f).dataSync());
    return close(got, want, 1e-5);
  }), { numRuns: 30 });
});

test('wasm SplitV patch (block copies) equals the stock kernel for ranks 1-4, any axis, equal and explicit sizes', async () => {
  await wasm();
  const stock = stockWasmKernel('SplitV')!;
  const patched = patchedKernel('SplitV')!;
  assert.ok(stock && patched && stock !== patched);
  const input = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) => fc.record({
    shape: fc.constant(shape), axis: fc.integer({ min: -shape.length, max: shape.length - 1 }), parts: fc.integer({ min: 1, max: 3 }), explicit: fc.boolean(), int: fc.boolean(),
  }));
  fc.assert(fc.property(input, ({ shape, axis, parts, explicit, int }) => {
    const a = (axis + shape.length) % shape.length;
    const len = shape[a];
    const split: number | number[] = explicit ? (len >= 2 ? [1, -1] : [len]) : (len % parts === 0 ? parts : 1);
    const x = tf.tidy(() => (int ? tf.cast(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 3), 100), 'int32') : tf.randomNormal(shape, 0, 1, 'float32', 3)));
    const attrs = { numOrSizeSplits: split, axis };
    const want = run(stock, { x }, attrs);
    const got = run(patched, { x }, attrs);
    x.dispose();
    return want.length === got.length && want.every((w, i) => String(w.shape) === String(got[i].shape) && w.values.every((v, j) => v === got[i].values[j]));
  }), { numRuns: 80 });
});
