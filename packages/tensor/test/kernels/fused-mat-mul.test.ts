import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/index.js';
import { patchedKernel } from '../../src/backend/patches.js';
import { close, run, wasm } from './parity.js';

/** Parity of the `fused-mat-mul` kernel (packages/tensor/src/backend/kernels/fused-mat-mul.ts) against the stock or cpu kernel. */

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
