import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/index.js';
import { patchedKernel, stockWasmKernel } from '../../src/backend/patches.js';
import { run, wasm } from './parity.js';

/** Parity of the `split-v` kernel (packages/tensor/src/backend/kernels/split-v.ts) against the stock or cpu kernel. */

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
