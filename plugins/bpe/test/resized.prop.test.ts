import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resized } from '../src/resized.js';

test('resized: for any typed array and size, the same type and length size, the old values first and zeros after', () => {
  const arrays = fc.oneof(
    fc.array(fc.double({ noNaN: true }), { maxLength: 40 }).map((xs) => Float64Array.from(xs)),
    fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 40 }).map((xs) => Int32Array.from(xs)),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }).map((xs) => Uint8Array.from(xs)),
  );
  fc.assert(
    fc.property(arrays, fc.integer({ min: 0, max: 80 }), (array, size) => {
      const out = resized(array, size);
      assert.equal(out.constructor, array.constructor);
      assert.equal(out.length, size);
      const kept = Math.min(size, array.length);
      assert.deepEqual(Array.from(out.subarray(0, kept)), Array.from(array.subarray(0, kept)));
      assert.ok(out.subarray(kept).every((v) => v === 0));
      assert.notEqual(out.buffer, array.buffer);
    }),
  );
});
