import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/index.js';
import { patchedKernel, stockWasmKernel } from '../../src/backend/patches.js';
import { close, run, wasm } from './parity.js';

/** Parity of the `batch-mat-mul` kernel (packages/tensor/src/backend/kernels/batch-mat-mul.ts) against the stock or cpu kernel. */

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
