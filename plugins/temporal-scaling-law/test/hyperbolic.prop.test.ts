import { test } from 'node:test';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { harmonicSum, harmonicSumBrute, hyperbolicLaw } from '../src/hyperbolic.js';
import { rSquared } from '../src/metrics.js';

const params = fc.record({
  a0: fc.double({ min: 0.5, max: 5, noNaN: true }),
  a1: fc.double({ min: 0.02, max: 2, noNaN: true }),
  a2: fc.double({ min: 1, max: 6, noNaN: true }),
});
const positions = (n: number) => Array.from({ length: n }, (_, j) => j + 1);
const curve = (p: { a0: number; a1: number; a2: number }, xs: number[]) => xs.map((i) => hyperbolicLaw.value([p.a0, p.a1, p.a2], i));
const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-12);
const N = 64;
/** Standard normal draw (Box-Muller) from core's seeded uniform. */
const normal = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());

test('hyperbolic fit: for any positive (a0, a1, a2), noise-free data are recovered with R^2 = 1', () => {
  fc.assert(fc.property(params, (p) => {
    const xs = positions(N);
    const fit = hyperbolicLaw.fit(xs, curve(p, xs));
    return fit.r2 > 1 - 1e-9 && relClose(fit.params[0], p.a0, 1e-3) && relClose(fit.params[1], p.a1, 1e-3) && relClose(fit.params[2], p.a2, 1e-3);
  }), { numRuns: 25 });
});

test('hyperbolic fit: for any parameters, the error of recovery shrinks with the noise', () => {
  fc.assert(fc.property(params, fc.integer({ min: 0, max: 1e6 }), (p, seed) => {
    const xs = positions(N);
    const clean = curve(p, xs);
    const error = (sd: number) => {
      const rng = new Rng(seed);
      const noisy = clean.map((y) => y + sd * normal(rng));
      const fitted = hyperbolicLaw.fit(xs, noisy).params;
      // the mean predicted curve error is what is identified well (a0 and a1 trade off under noise)
      return Math.max(...xs.map((i, k) => Math.abs(hyperbolicLaw.value(fitted, i) - clean[k])));
    };
    return error(1e-4) <= error(1e-2) + 1e-6 && error(1e-4) < 5e-3;
  }), { numRuns: 15 });
});

test('hyperbolic fit: for any parameters and shift d, adding d to all losses changes only a2 (by d)', () => {
  fc.assert(fc.property(params, fc.double({ min: 0.1, max: 3, noNaN: true }), (p, d) => {
    const xs = positions(N);
    const a = hyperbolicLaw.fit(xs, curve(p, xs)).params;
    const b = hyperbolicLaw.fit(xs, curve(p, xs).map((y) => y + d)).params;
    return relClose(b[0], a[0], 1e-3) && relClose(b[1], a[1], 1e-3) && Math.abs(b[2] - a[2] - d) < 1e-3 * (1 + d);
  }), { numRuns: 20 });
});

test('hyperbolic fit: for any parameters and c, rescaling positions i -> c i gives a1 / c with the same a0, a2', () => {
  fc.assert(fc.property(params, fc.constantFrom(0.5, 2, 4), (p, c) => {
    const xs = positions(N);
    const ys = curve(p, xs);
    const a = hyperbolicLaw.fit(xs, ys).params;
    const b = hyperbolicLaw.fit(xs.map((i) => c * i), ys).params;
    return relClose(b[0], a[0], 1e-3) && relClose(b[1], a[1] / c, 1e-3) && relClose(b[2], a[2], 1e-3);
  }), { numRuns: 20 });
});

test('hyperbolic fit: for any noisy data, permuting the (i, L_i) points does not change the fit', () => {
  fc.assert(fc.property(params, fc.integer({ min: 0, max: 1e6 }), (p, seed) => {
    const xs = positions(32);
    const rng = new Rng(seed);
    const ys = curve(p, xs).map((y) => y + 0.01 * normal(rng));
    const order = xs.map((_, k) => k).sort(() => rng.float() - 0.5);
    const a = hyperbolicLaw.fit(xs, ys);
    const b = hyperbolicLaw.fit(order.map((k) => xs[k]), order.map((k) => ys[k]));
    return a.params.every((v, k) => relClose(v, b.params[k], 1e-9)) && relClose(a.r2, b.r2, 1e-12);
  }), { numRuns: 15 });
});

test('hyperbolic law: for any parameters, the digamma closed form of the mean equals the brute-force mean', () => {
  fc.assert(fc.property(params, fc.integer({ min: 1, max: 4096 }), (p, n) => {
    const closed = hyperbolicLaw.mean([p.a0, p.a1, p.a2], n);
    const brute = curve(p, positions(n)).reduce((s, y) => s + y, 0) / n;
    return relClose(closed, brute, 1e-9) && relClose(harmonicSum(p.a1, n), harmonicSumBrute(p.a1, n), 1e-9);
  }), { numRuns: 60 });
});

test('hyperbolic law: for any positive parameters, L_i strictly decreases and is convex, and tends to a2', () => {
  fc.assert(fc.property(params, (p) => {
    const ys = curve(p, positions(40));
    const dec = ys.every((y, k) => k === 0 || y < ys[k - 1]);
    const convex = ys.every((y, k) => k < 2 || y - ys[k - 1] >= ys[k - 1] - ys[k - 2] - 1e-12);
    return dec && convex && hyperbolicLaw.value([p.a0, p.a1, p.a2], 1e9) - p.a2 < 1e-6 && relClose(hyperbolicLaw.value([p.a0, p.a1, p.a2], 0), p.a0 + p.a2, 1e-12);
  }), { numRuns: 50 });
});

test('metrics: for any observed and predicted values, R^2 <= 1 and MAPE >= 0', () => {
  const pairs = fc.array(fc.tuple(fc.double({ min: 0.5, max: 10, noNaN: true }), fc.double({ min: 0.5, max: 10, noNaN: true })), { minLength: 2, maxLength: 10 });
  fc.assert(fc.property(pairs, (xs) => {
    const o = xs.map((x) => x[0]);
    const q = xs.map((x) => x[1]);
    const r2 = rSquared(o, q);
    return (r2 <= 1 || Number.isNaN(r2)) && o.reduce((a, v, i) => a + Math.abs((v - q[i]) / v), 0) >= 0;
  }), { numRuns: 100 });
});
