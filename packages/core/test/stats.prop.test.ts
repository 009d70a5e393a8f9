import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auroc, bitsPerByte, summarize } from '../src/stats.js';
import { binomialAcceptance } from '../src/testing/index.js';
import { gaussian } from './gaussian.js';

const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 30 });

test('summarize: for any mean, sd and 2 <= n <= 30, the 95% t-interval covers the true mean about 95% of the time', () => {
  const reps = 400;
  fc.assert(fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.integer({ min: 2, max: 30 }), fc.nat(), (mu, sd, n, seed) => {
    const z = gaussian(seed);
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const s = summarize(Array.from({ length: n }, () => mu + sd * z()));
      if (s.ciLow <= mu && mu <= s.ciHigh) covered++;
    }
    const [lo, hi] = binomialAcceptance(0.95, reps, 1e-6);
    return lo <= covered && covered <= hi;
  }), { numRuns: 25 });
});

test('binomialAcceptance: the exact binomial bounds scipy gives', () => {
  // lo = min k with binom.cdf(k, n, p) > alpha / 2, hi = max k with binom.sf(k - 1, n, p) > alpha / 2 (scipy.stats)
  assert.deepEqual(binomialAcceptance(0.95, 400, 1e-6), [356, 397]);
  assert.deepEqual(binomialAcceptance(0.05, 2000, 1e-6), [56, 151]);
  assert.deepEqual(binomialAcceptance(0.5, 100, 0.05), [40, 60]);
  assert.deepEqual(binomialAcceptance(0.3, 1000, 1e-3), [253, 348]);
  assert.deepEqual(binomialAcceptance(1.824e-4, 4000, 1e-7), [0, 9]);
  assert.deepEqual([binomialAcceptance(0, 50, 1e-6), binomialAcceptance(1, 50, 1e-6)], [[0, 0], [50, 50]]);
});

test('summarize: for any values with spread, the interval narrows when the same values are seen twice as often', () => {
  fc.assert(fc.property(values.filter((xs) => xs.length >= 2 && Math.max(...xs) - Math.min(...xs) > 1e-6), (xs) => {
    const once = summarize(xs);
    const twice = summarize([...xs, ...xs]);
    return twice.ciHigh - twice.ciLow < once.ciHigh - once.ciLow;
  }));
});

test('summarize: for any values and shift c, the interval of x + c is the interval of x moved by c', () => {
  fc.assert(fc.property(values.filter((xs) => xs.length >= 2), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (xs, c) => {
    const a = summarize(xs);
    const b = summarize(xs.map((x) => x + c));
    const tol = 1e-9 * (1 + Math.abs(c) + Math.max(...xs.map(Math.abs)));
    return Math.abs(b.ciLow - a.ciLow - c) <= tol && Math.abs(b.ciHigh - a.ciHigh - c) <= tol && Math.abs(b.sd - a.sd) <= tol;
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
