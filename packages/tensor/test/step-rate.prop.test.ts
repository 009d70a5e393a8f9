import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StepRate } from '../src/train/step-rate.js';

// The progress line's rate: steps per second over the last `window` steps (fewer at the start).
const durations = fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 80 });

test('StepRate: for any step durations and window, the rate is the number of recent steps over their total duration', () => {
  fc.assert(
    fc.property(durations, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (ms, window, start) => {
      const rate = new StepRate(window, start);
      let now = start;
      ms.forEach((d, i) => {
        now += d;
        const recent = ms.slice(Math.max(0, i + 1 - window), i + 1);
        const expected = recent.length / (recent.reduce((a, b) => a + b, 0) / 1000);
        const got = rate.step(now);
        assert.ok(Math.abs(got - expected) <= 1e-9 * expected, `step ${i + 1}: ${got} vs ${expected}`);
      });
    }),
    { numRuns: 200 },
  );
});

test('StepRate: after a slow stretch, the rate is the fast steps\' once a window of them has run (an average since the start is not)', () => {
  const rate = new StepRate(10, 0);
  let now = 0;
  for (let i = 0; i < 50; i++) rate.step((now += 2000)); // 0.5 steps/s
  let last = 0;
  for (let i = 0; i < 10; i++) last = rate.step((now += 500)); // 2 steps/s
  assert.equal(last, 2);
  assert.ok(60 / (now / 1000) < 0.6, 'the average since the start would still say under 0.6 steps/s');
});

test('StepRate.windowFor: a twentieth of the run within [8, 200]; a bad window is refused', () => {
  assert.deepEqual([12, 300, 3600, 100_000].map(StepRate.windowFor), [8, 15, 180, 200]);
  assert.throws(() => new StepRate(0, 0), /window must be a positive integer/);
});
