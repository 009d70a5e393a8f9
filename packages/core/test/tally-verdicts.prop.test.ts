import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { tallyVerdicts, VERDICTS } from '../src/index.js';

test('tallyVerdicts: every verdict counted once, in VERDICTS order, none with a zero count, unknown strings ignored', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...VERDICTS), fc.string({ maxLength: 12 }))), (verdicts) => {
      const tally = tallyVerdicts(verdicts);
      const known = verdicts.filter((v) => (VERDICTS as readonly string[]).includes(v));
      assert.equal(tally.reduce((sum, [, n]) => sum + n, 0), known.length);
      assert.ok(tally.every(([, n]) => n > 0));
      const order = tally.map(([v]) => VERDICTS.indexOf(v));
      assert.deepEqual(order, [...order].sort((a, b) => a - b));
      for (const [v, n] of tally) assert.equal(n, known.filter((x) => x === v).length);
    }),
  );
});
