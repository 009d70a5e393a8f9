import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auroc, DataError } from '@labbench/core';
import { accuracyAt, bestThreshold, bootstrapCi, aurocOf, tprAtFpr } from '../src/detection-metrics.js';

const labelled = fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(0 as const, 1 as const)), { minLength: 2, maxLength: 40 })
  .filter((xs) => xs.some(([, y]) => y === 1) && xs.some(([, y]) => y === 0));

test('auroc: for any labels, a constant scorer scores 0.5', () => {
  fc.assert(fc.property(labelled, fc.double({ noNaN: true, min: -1e6, max: 1e6 }), (xs, c) => auroc(xs.map(() => c), xs.map(([, y]) => y)) === 0.5), { numRuns: 100 });
});

test('auroc: for any labels, a perfect scorer scores 1', () => {
  fc.assert(fc.property(labelled, (xs) => auroc(xs.map(([, y]) => y * 10), xs.map(([, y]) => y)) === 1), { numRuns: 100 });
});

test('auroc: for any scores and labels, negated scores give 1 - AUROC', () => {
  fc.assert(fc.property(labelled, (xs) => {
    const labels = xs.map(([, y]) => y);
    const a = auroc(xs.map(([s]) => s), labels);
    const b = auroc(xs.map(([s]) => -s), labels);
    return Math.abs(a + b - 1) < 1e-12;
  }), { numRuns: 100 });
});

test('tprAtFpr: for any scores, the value is in [0, 1], and a perfect scorer has TPR 1', () => {
  fc.assert(fc.property(labelled, (xs) => {
    const labels = xs.map(([, y]) => y);
    const t = tprAtFpr(xs.map(([s]) => s), labels, 0.01);
    return t >= 0 && t <= 1 && tprAtFpr(labels.map((y) => y), labels, 0.01) === 1;
  }), { numRuns: 100 });
});

test('tprAtFpr: tied scores are never counted as detected', () => {
  assert.equal(tprAtFpr([0, 0, 0, 0], [0, 1, 0, 1], 0.01), 0);
});

test('bestThreshold: for any scores, its validation accuracy is at least the majority share', () => {
  fc.assert(fc.property(labelled, (xs) => {
    const scores = xs.map(([s]) => s);
    const labels = xs.map(([, y]) => y);
    const ones = labels.filter((y) => y === 1).length;
    return accuracyAt(scores, labels, bestThreshold(scores, labels)) >= Math.max(ones, labels.length - ones) / labels.length - 1e-12;
  }), { numRuns: 100 });
});

test('bootstrapCi: for any scores, the 95% interval is ordered and resamples whole clusters', () => {
  fc.assert(fc.property(labelled, fc.integer({ min: 1, max: 5 }), (xs, k) => {
    const scores = xs.map(([s]) => s);
    const labels = xs.map(([, y]) => y);
    const clusters = xs.map((_, i) => `c${i % k}`);
    const ci = bootstrapCi(clusters, (idx) => aurocOf(scores, labels, idx), { resamples: 50, seed: 1 });
    return ci.resamples === 0 || ci.ciLow <= ci.ciHigh;
  }), { numRuns: 30 });
});

test('bootstrapCi: the same seed gives the same interval', () => {
  const stat = (idx: readonly number[]) => idx.reduce((a, i) => a + i, 0) / idx.length;
  const clusters = Array.from({ length: 20 }, (_, i) => String(i));
  assert.deepEqual(bootstrapCi(clusters, stat, { resamples: 100, seed: 3 }), bootstrapCi(clusters, stat, { resamples: 100, seed: 3 }));
});

test('detection metrics: for any scores with a NaN, every metric throws a DataError naming the function and index', () => {
  fc.assert(fc.property(labelled, fc.nat(), (xs, at) => {
    const scores = xs.map(([s]) => s);
    const labels = xs.map(([, y]) => y);
    const i = at % scores.length;
    scores[i] = Number.NaN;
    const fails = (f: () => unknown, name: string) => assert.throws(f, (e: unknown) => e instanceof DataError && e.message.includes(name) && e.message.includes(`scores[${i}]`));
    fails(() => accuracyAt(scores, labels, 0), 'accuracyAt');
    fails(() => bestThreshold(scores, labels), 'bestThreshold');
    fails(() => tprAtFpr(scores, labels, 0.01), 'tprAtFpr');
    fails(() => aurocOf(scores, labels, labels.map((_, k) => k)), 'aurocOf');
    return true;
  }), { numRuns: 50 });
});

test('accuracyAt: a NaN threshold is rejected', () => {
  assert.throws(() => accuracyAt([0.1, 0.9], [0, 1], Number.NaN), DataError);
});
