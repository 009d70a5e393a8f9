import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auroc, bitsPerByte, summarize } from '../src/index.js';

const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 30 });

test('summarize: for any values, the 95% CI contains the mean and is ordered', () => {
  fc.assert(fc.property(values, (xs) => {
    const s = summarize(xs);
    return s.ciLow <= s.mean + 1e-9 * Math.abs(s.mean) && s.mean <= s.ciHigh + 1e-9 * Math.abs(s.mean) && s.sd >= 0;
  }));
});

test('summarize: a single value has a zero-width interval', () => {
  assert.deepEqual(summarize([3]), { mean: 3, sd: 0, n: 1, ciLow: 3, ciHigh: 3 });
});

const scored = fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.boolean()), { minLength: 2, maxLength: 60 })
  .filter((xs) => xs.some(([, y]) => y) && xs.some(([, y]) => !y));

test('auroc: for any scores, it lies in [0, 1] and negating the scores gives 1 - AUROC', () => {
  fc.assert(fc.property(scored, (xs) => {
    const s = xs.map(([v]) => v);
    const y = xs.map(([, l]) => l);
    const a = auroc(s, y);
    return a >= 0 && a <= 1 && Math.abs(auroc(s.map((v) => -v), y) - (1 - a)) < 1e-12;
  }));
});

test('auroc: a constant scorer gives 0.5 and a perfect one 1', () => {
  fc.assert(fc.property(scored, (xs) => {
    const y = xs.map(([, l]) => l);
    return auroc(y.map(() => 7), y) === 0.5 && auroc(y.map((l) => (l ? 1 : 0)), y) === 1;
  }));
});

test('bitsPerByte: ln 2 nats per byte is one bit per byte', () => {
  assert.equal(bitsPerByte(-Math.LN2 * 10, 10), 1);
});
