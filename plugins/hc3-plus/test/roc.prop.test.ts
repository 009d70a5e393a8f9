import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auroc, DataError } from '@labbench/core';
import { downsampleCurve, rocCurve, type RocCurve } from '../src/detection-metrics.js';

const labelled = fc.array(fc.tuple(fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.integer({ min: -3, max: 3 })), fc.constantFrom(0 as const, 1 as const)), { minLength: 2, maxLength: 400 })
  .filter((xs) => xs.some(([, y]) => y === 1) && xs.some(([, y]) => y === 0));

/** The invariants the page relies on: equal lengths, starts at (0, 0), ends at (1, 1), both coordinates non-decreasing, all in [0, 1]. */
function assertRoc(c: RocCurve, maxPoints: number): void {
  assert.equal(c.fpr.length, c.tpr.length);
  assert.ok(c.fpr.length >= 2 && c.fpr.length <= maxPoints, `${c.fpr.length} points`);
  assert.deepEqual([c.fpr[0], c.tpr[0]], [0, 0]);
  assert.deepEqual([c.fpr.at(-1), c.tpr.at(-1)], [1, 1]);
  for (let i = 1; i < c.fpr.length; i++) {
    assert.ok(c.fpr[i] >= c.fpr[i - 1] && c.tpr[i] >= c.tpr[i - 1], `not monotone at ${i}`);
    assert.ok(c.fpr[i] <= 1 && c.tpr[i] <= 1);
  }
}

const trapezoid = (c: RocCurve) => c.fpr.slice(1).reduce((a, x, i) => a + (x - c.fpr[i]) * (c.tpr[i + 1] + c.tpr[i]) / 2, 0);

test('rocCurve: the points of sklearn.metrics.roc_curve (drop_intermediate=False) on a small example with ties', () => {
  const labels = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0] as const;
  const scores = [0.1, 0.9, 0.4, 0.4, 0.8, 0.3, 0.7, 0.4, 0.2, 0.05];
  const c = rocCurve(scores, [...labels]);
  // y = np.array([0,1,1,0,1,0,0,1,1,0]); s = np.array([.1,.9,.4,.4,.8,.3,.7,.4,.2,.05]); roc_curve(y, s, drop_intermediate=False)
  assert.deepEqual(c.fpr, [0.0, 0.0, 0.0, 0.2, 0.4, 0.6, 0.6, 0.8, 1.0]);
  assert.deepEqual(c.tpr, [0.0, 0.2, 0.4, 0.4, 0.8, 0.8, 1.0, 1.0, 1.0]);
  assert.ok(Math.abs(trapezoid(c) - 0.76) < 1e-12); // sklearn.metrics.roc_auc_score(y, s) = 0.76
});

test('rocCurve: for any scores and labels, a monotone curve from (0, 0) to (1, 1) whose area is the AUROC', () => {
  fc.assert(fc.property(labelled, (xs) => {
    const scores = xs.map(([s]) => s);
    const labels = xs.map(([, y]) => y);
    const c = rocCurve(scores, labels);
    assertRoc(c, Number.POSITIVE_INFINITY);
    assert.equal(c.fpr.length, new Set(scores).size + 1); // one point per distinct score, plus the start
    assert.ok(Math.abs(trapezoid(c) - auroc(scores, labels)) < 1e-9);
  }), { numRuns: 200 });
});

test('downsampleCurve: for any curve, at most 101 points, still monotone from (0, 0) to (1, 1), within rounding of the full curve', () => {
  fc.assert(fc.property(labelled, fc.integer({ min: 2, max: 101 }), (xs, maxPoints) => {
    const full = rocCurve(xs.map(([s]) => s), xs.map(([, y]) => y));
    const small = downsampleCurve(full, maxPoints);
    assertRoc(small, maxPoints);
    // every kept point lies on the full curve (to the 4-decimal rounding)
    for (let k = 0; k < small.fpr.length; k++) {
      assert.ok(full.fpr.some((x, i) => Math.abs(x - small.fpr[k]) <= 5e-5 && Math.abs(full.tpr[i] - small.tpr[k]) <= 5e-5), `point ${k} is not on the curve`);
    }
    if (full.fpr.length <= maxPoints) assert.equal(small.fpr.length, full.fpr.length);
  }), { numRuns: 200 });
});

test('rocCurve: one class only, or a NaN score, is a DataError', () => {
  assert.throws(() => rocCurve([0.1, 0.2], [1, 1]), DataError);
  assert.throws(() => rocCurve([0.1, Number.NaN], [0, 1]), DataError);
});
