import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../src/random.js';

test('Rng: a generator restored from state() continues exactly the sequence of the one it came from', () => {
  fc.assert(
    fc.property(fc.integer(), fc.nat({ max: 200 }), (seed, drawn) => {
      const a = new Rng(seed);
      for (let i = 0; i < drawn; i++) a.int(0, 1000);
      const b = new Rng(seed + 1); // another sequence until restored
      b.restore(a.state());
      const next = (r: Rng) => [r.int(0, 1 << 30), r.float(), r.int(-5, 5)];
      assert.deepEqual(next(b), next(a));
    }),
  );
});

test('Rng.restore: anything but a state() is refused with what it expected', () => {
  assert.throws(() => new Rng(1).restore([1, 2, 3]), /four integers Rng\.state\(\) returns/);
  assert.throws(() => new Rng(1).restore([1, 2, 3, 0.5]), /four integers/);
});
