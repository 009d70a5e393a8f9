import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/index.js';
import { patchedKernel, simplifyTranspose, stockWasmKernel } from '../../src/backend/patches.js';
import { run, wasm } from './parity.js';

/** Parity of the `transpose` kernel (packages/tensor/src/backend/kernels/transpose.ts) against the stock or cpu kernel. */

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
