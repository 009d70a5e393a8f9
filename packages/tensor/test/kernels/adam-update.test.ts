import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { KernelConfig } from '@tensorflow/tfjs';
import { initBackend, tf } from '../../src/index.js';
import { adamRows } from '../../src/backend/patches.js';
import { setWasmKernels } from '../../src/backend/select.js';
import { close, run, wasm } from './parity.js';

/** Parity of the `adam-update` kernel (packages/tensor/src/backend/kernels/adam-update.ts) against the stock or cpu kernel. */

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
  const { adamUpdate } = await import('../../src/ops/index.js');
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
