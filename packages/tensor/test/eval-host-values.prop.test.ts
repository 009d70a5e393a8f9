import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index.js';
import { withValues } from '../src/eval/batched-forward.js';
import type { WasmBackend } from '../src/backend/kernel.js';

/**
 * `withValues` hands evaluation a view of the wasm heap instead of a copy: the values must be the
 * tensor's, the tensor must be gone afterwards, and a callback that grows the heap (which detaches
 * the view) must fail loudly instead of passing on whatever it read.
 */

test('withValues: for any float32 or int32 tensor, the callback sees exactly its values and the tensor is disposed', async () => {
  await initBackend('wasm');
  const values = fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 300 });
  await fc.assert(fc.asyncProperty(values, fc.boolean(), async (xs, asInt) => {
    const before = tf.memory().numTensors;
    const tensor = asInt ? tf.tensor1d(xs.map((x) => Math.trunc(x) | 0), 'int32') : tf.tensor1d(xs, 'float32');
    const expected = Array.from(tensor.dataSync());
    let seen: number[] = [];
    withValues(tensor, (v) => { seen = Array.from(v); });
    assert.deepEqual(seen, expected);
    assert.ok(tensor.isDisposed);
    assert.equal(tf.memory().numTensors, before);
  }), { numRuns: 50 });
});

test('withValues: a tensor created inside the callback that grows the wasm heap is an error, and the tensor is still disposed', async () => {
  await initBackend('wasm');
  const tensor = tf.tensor1d([1, 2, 3], 'float32');
  const heapBytes = (tf.backend() as unknown as WasmBackend).wasm.HEAPF32.byteLength;
  let big: tf.Tensor | undefined;
  assert.throws(
    () => withValues(tensor, () => { big = tf.zeros([heapBytes / 4 + 1]); }), // more floats than the whole heap holds: it must grow
    /detached while in use: a tensor was created inside the callback/,
  );
  assert.ok(tensor.isDisposed);
  big?.dispose();
});
