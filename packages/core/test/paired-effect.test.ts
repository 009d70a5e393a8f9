import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DataError } from '../src/errors.js';
import { minimumDetectableEffect, pairedEffect, type SeedMeasurement } from '../src/paired-effect.js';
import { tTwoSidedP } from '../src/stats.js';
import { binomialTolerance, gaussian } from './gaussian.js';

/**
 * A synthetic study: D evaluation documents shared by every seed. Per document j, arm a, seed s:
 *   value = difficulty_j + handicap_a + g_{a,j} + u_{a,s} + e_{a,s,j}
 * g (the arm's own strengths on particular documents) is fixed across seeds, so it is noise of
 * the evaluation set that no number of seeds averages away; u is seed noise; e per-item noise.
 */
interface Noise { docs: number; seeds: number; sdArmDoc: number; sdSeed: number; sdItem: number }
function synthetic(noise: Noise, handicap: number, seed: number): { method: SeedMeasurement[]; baseline: SeedMeasurement[] } {
  const z = gaussian(seed);
  const difficulty = Array.from({ length: noise.docs }, () => 3 + 0.5 * z());
  const arm = (shift: number) => {
    const g = difficulty.map(() => noise.sdArmDoc * z());
    return Array.from({ length: noise.seeds }, (_, s) => {
      const u = noise.sdSeed * z();
      const perDocument = difficulty.map((c, j) => c + shift + g[j] + u + noise.sdItem * z());
      return { seed: s, value: perDocument.reduce((a, x) => a + x, 0) / perDocument.length, perDocument };
    });
  };
  return { method: arm(handicap), baseline: arm(0) };
}

const docNoise: Noise = { docs: 60, seeds: 4, sdArmDoc: 0.3, sdSeed: 0.02, sdItem: 0.1 };

test('pairedEffect: an A/A study is decided at no more than the nominal 5% (and not absurdly less) when document noise is in the interval, and far more often without it', () => {
  const reps = 400;
  let decided = 0;
  let seedsOnly = 0;
  for (let r = 0; r < reps; r++) {
    const { method, baseline } = synthetic(docNoise, 0, 100 + r);
    const e = pairedEffect(method, baseline, { resamples: 300, seed: r });
    if (e.p! < 0.05) decided++;
    // the paired t over seeds alone treats the evaluation set as fixed
    const strip = (xs: SeedMeasurement[]) => xs.map(({ seed, value }) => ({ seed, value }));
    if (pairedEffect(strip(method), strip(baseline)).p! < 0.05) seedsOnly++;
  }
  // Banerjee's combination is conservative between the two extremes: 3.3% over 1000 repetitions
  assert.ok(decided / reps <= 0.05 + binomialTolerance(0.05, reps) && decided / reps >= 0.01, `A/A decided ${decided / reps}`);
  assert.ok(seedsOnly / reps > 0.2, `seeds-only A/A decided ${seedsOnly / reps}`);
});

test('pairedEffect: with seed and document noise of similar size and only 2-3 seeds, A/A comparisons are decided at most at the nominal rate', () => {
  const reps = 400;
  for (const seeds of [2, 3]) {
    let decided = 0;
    for (let r = 0; r < reps; r++) {
      const { method, baseline } = synthetic({ ...docNoise, seeds, sdSeed: 0.15 }, 0, 40000 + 1000 * seeds + r);
      if (pairedEffect(method, baseline, { resamples: 300, seed: r }).p! < 0.05) decided++;
    }
    assert.ok(decided / reps <= 0.05 + binomialTolerance(0.05, reps), `${seeds} seeds: A/A decided ${decided / reps}`);
  }
});

test('pairedEffect: a seed-invariant A/A metric gets a document interval that holds the nominal rate', () => {
  const reps = 400;
  let decided = 0;
  const fixed: Noise = { docs: 80, seeds: 3, sdArmDoc: 0.3, sdSeed: 0, sdItem: 0 };
  for (let r = 0; r < reps; r++) {
    const { method, baseline } = synthetic(fixed, 0, 7000 + r);
    const e = pairedEffect(method, baseline, { resamples: 300, seed: r });
    assert.equal(e.test, 'documents');
    assert.ok(e.interval![1] > e.interval![0]);
    if (e.p! < 0.05) decided++;
  }
  assert.ok(Math.abs(decided / reps - 0.05) <= binomialTolerance(0.05, reps), `A/A decided ${decided / reps}`);
});

test('pairedEffect: a planted handicap the size of the measured MDE is detected about 80% of the time, a third of it far less often', () => {
  const reps = 300;
  const mdes: number[] = [];
  for (let r = 0; r < 100; r++) {
    const { method, baseline } = synthetic(docNoise, 0, 20000 + r);
    mdes.push(minimumDetectableEffect(pairedEffect(method, baseline, { resamples: 300, seed: r }))!);
  }
  const mde = mdes.sort((a, b) => a - b)[50];
  const rate = (handicap: number) => {
    let hit = 0;
    for (let r = 0; r < reps; r++) {
      const { method, baseline } = synthetic(docNoise, handicap, 30000 + r);
      const e = pairedEffect(method, baseline, { resamples: 300, seed: r });
      if (e.p! < 0.05 && e.effect > 0) hit++;
    }
    return hit / reps;
  };
  const full = rate(mde);
  const third = rate(mde / 3);
  assert.ok(full >= 0.65 && full <= 0.95, `detected at the MDE ${full} (MDE ${mde})`);
  assert.ok(third < 0.4, `detected at a third of the MDE ${third}`);
});

test('pairedEffect: for any data, shifting both arms by the same amount leaves effect, interval and p unchanged', () => {
  fc.assert(fc.property(fc.nat(), fc.double({ min: -100, max: 100, noNaN: true }), (seed, c) => {
    const { method, baseline } = synthetic({ docs: 12, seeds: 3, sdArmDoc: 0.2, sdSeed: 0.05, sdItem: 0.1 }, 0.05, seed);
    const shift = (xs: SeedMeasurement[]) => xs.map((m) => ({ ...m, value: m.value + c, perDocument: m.perDocument!.map((x) => x + c) }));
    const a = pairedEffect(method, baseline, { resamples: 200 });
    const b = pairedEffect(shift(method), shift(baseline), { resamples: 200 });
    const tol = 1e-8 * (1 + Math.abs(c));
    return Math.abs(a.effect - b.effect) <= tol && Math.abs(a.interval![0] - b.interval![0]) <= tol && Math.abs(a.p! - b.p!) <= 1e-6;
  }), { numRuns: 30 });
});

test('pairedEffect: for any positive data on the log scale, the ratio interval excludes zero and scaling both arms changes nothing', () => {
  fc.assert(fc.property(fc.nat(), fc.double({ min: 0.01, max: 100, noNaN: true }), (seed, k) => {
    const { method, baseline } = synthetic({ docs: 10, seeds: 3, sdArmDoc: 0.2, sdSeed: 0.3, sdItem: 0.1 }, 0, seed);
    const scale = (xs: SeedMeasurement[]) => xs.map((m) => ({ ...m, value: m.value * k, perDocument: m.perDocument!.map((x) => x * k) }));
    const a = pairedEffect(method, baseline, { scale: 'log', resamples: 200 });
    const b = pairedEffect(scale(method), scale(baseline), { scale: 'log', resamples: 200 });
    return Math.exp(a.interval![0]) > 0 && Math.abs(a.effect - b.effect) < 1e-9 && Math.abs(a.interval![1] - b.interval![1]) < 1e-9;
  }), { numRuns: 30 });
});

test('pairedEffect: the same inputs and resampling seed give the same interval', () => {
  const { method, baseline } = synthetic(docNoise, 0.1, 3);
  assert.deepEqual(pairedEffect(method, baseline, { seed: 9 }), pairedEffect(method, baseline, { seed: 9 }));
});

test('pairedEffect: without documents it is the paired t over seeds (scipy.stats.ttest_rel)', () => {
  const m = [3.1, 3.05, 3.2].map((value, seed) => ({ seed, value }));
  const b = [3.0, 2.9, 3.02].map((value, seed) => ({ seed, value }));
  const e = pairedEffect(m, b);
  assert.equal(e.test, 'paired-t');
  assert.ok(Math.abs(e.p! - 0.02549184043642633) < 1e-10); // scipy.stats.ttest_rel([3.1, 3.05, 3.2], [3.0, 2.9, 3.02]).pvalue
  assert.ok(Math.abs(tTwoSidedP(6.142857142857142, 2) - 0.02549184043642633) < 1e-10); // ttest_rel(...).statistic
});

test('pairedEffect: misaligned documents, non-positive log values and no common seed are DataErrors', () => {
  const a = [{ seed: 0, value: 1, perDocument: [1, 1] }, { seed: 1, value: 1, perDocument: [1, 1] }];
  const b = [{ seed: 0, value: 1, perDocument: [1, 1, 1] }, { seed: 1, value: 1, perDocument: [1, 1, 1] }];
  assert.throws(() => pairedEffect(a, b, { where: 'toy' }), (e: unknown) => e instanceof DataError && /the method scores 2 documents and the baseline 3/.test(e.message));
  const ragged = [{ seed: 0, value: 1, perDocument: [1, 1] }, { seed: 1, value: 1, perDocument: [1, 1, 1] }];
  assert.throws(() => pairedEffect(ragged, b), /3 documents where another seed of the arm has 2/);
  assert.throws(() => pairedEffect([{ seed: 0, value: -1 }], [{ seed: 0, value: 1 }], { scale: 'log' }), DataError);
  assert.throws(() => pairedEffect([{ seed: 0, value: 1 }], [{ seed: 1, value: 1 }]), DataError);
});

test('pairedEffect: two metrics on different item sets resample each set on its own (variance = var_a / D_a + var_b / D_b)', () => {
  const z = gaussian(77);
  const a = Array.from({ length: 50 }, () => 0.8 + 0.1 * z());
  const b = Array.from({ length: 120 }, () => 0.7 + 0.2 * z());
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const popVar = (xs: number[]) => mean(xs.map((x) => (x - mean(xs)) ** 2));
  const arm = (xs: number[]) => [0, 1].map((seed) => ({ seed, value: mean(xs), perDocument: xs }));
  const e = pairedEffect(arm(a), arm(b), { pairDocuments: false, resamples: 4000 });
  const ideal = popVar(a) / a.length + popVar(b) / b.length; // the ideal bootstrap variance of a difference of two independent means
  assert.equal(e.test, 'documents');
  assert.ok(Math.abs(e.documentVariance - ideal) < 0.1 * ideal, `${e.documentVariance} vs ${ideal}`);
});

test('pairedEffect: a perplexity (exp of the documents\' weighted mean loss) on the log scale has the same effect, noise and p as the mean loss on the linear scale', () => {
  // log(ppl_m / ppl_b) = loss_m - loss_b for every seed and every document resample, so the two
  // analyses are one; until 2026-12-03 the resample scaled a perplexity by mean* / mean instead of
  // exp(mean* - mean), which shrank its document noise by the mean loss
  const docs = fc.integer({ min: 2, max: 30 });
  fc.assert(fc.property(docs, fc.integer({ min: 2, max: 5 }), fc.nat(), (d, seeds, seed) => {
    const z = gaussian(seed);
    const weights = Array.from({ length: d }, () => 1 + Math.floor(100 * Math.abs(z())));
    const arm = (shift: number) => Array.from({ length: seeds }, (_, s) => {
      const perDocument = Array.from({ length: d }, () => 4 + shift + 0.5 * z());
      const loss = perDocument.reduce((a, x, j) => a + x * weights[j], 0) / weights.reduce((a, w) => a + w, 0);
      return { loss: { seed: s, value: loss, perDocument, perDocumentWeights: weights }, ppl: { seed: s, value: Math.exp(loss), perDocument, perDocumentWeights: weights, aggregate: 'exp-weighted-mean' as const } };
    });
    const m = arm(0.05);
    const b = arm(0);
    const options = { resamples: 200, seed };
    const onLoss = pairedEffect(m.map((x) => x.loss), b.map((x) => x.loss), options);
    const onPpl = pairedEffect(m.map((x) => x.ppl), b.map((x) => x.ppl), { ...options, scale: 'log' });
    const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
    assert.ok(close(onPpl.effect, onLoss.effect), `effect ${onPpl.effect} vs ${onLoss.effect}`);
    assert.ok(close(onPpl.se!, onLoss.se!), `se ${onPpl.se} vs ${onLoss.se}`);
    assert.ok(close(onPpl.p!, onLoss.p!), `p ${onPpl.p} vs ${onLoss.p}`);
    assert.equal(onPpl.test, onLoss.test);
  }), { numRuns: 60 });
});

test('pairedEffect: a seed-invariant claim on 6 paired documents is the paired t-test over documents (scipy.stats.ttest_rel)', () => {
  // b and m = b + d score 6 documents the same at both seeds; the bootstrap variance of the mean is
  // the plug-in one (divisor D), which pairedEffect rescales to the sample variance t expects
  const b = [1.0, 1.2, 0.9, 1.1, 1.3, 1.05];
  const d = [0.3, -0.1, 0.5, 0.2, 0.4, 0.1];
  const arm = (values: number[]) => [0, 1].map((seed) => ({ seed, value: values.reduce((a, x) => a + x, 0) / values.length, perDocument: values }));
  const e = pairedEffect(arm(b.map((x, i) => x + d[i])), arm(b), { resamples: 40000, seed: 7 });
  assert.equal(e.test, 'documents');
  // scipy.stats.ttest_rel(b + d, b).pvalue = 0.04565912378141167 (before the rescaling: 0.031)
  assert.ok(Math.abs(e.p! - 0.04565912378141167) < 0.002, `p ${e.p}`);
});

test('pairedEffect: equal means over seeds with other per-document values are not seed-invariant; a repeated seed and other documents under the same count are DataErrors', () => {
  const seedA = { seed: 0, value: 0.5, perDocument: [1, 0, 1, 0] };
  const seedB = { seed: 1, value: 0.5, perDocument: [0, 1, 0, 1] };
  const base = [0, 1].map((seed) => ({ seed, value: 0.25, perDocument: [0, 0, 1, 0] }));
  assert.equal(pairedEffect([seedA, seedB], base).deterministic, false, 'same mean, other items');
  assert.equal(pairedEffect([seedA, { ...seedA, seed: 1 }], base).deterministic, true);
  assert.throws(() => pairedEffect([seedA, { ...seedA }], base), (err: unknown) => err instanceof DataError && /more than one record/.test(err.message));
  const named = (seed: number, ids: string[]) => ({ ...seedA, seed, documentIds: ids });
  assert.throws(() => pairedEffect([named(0, ['a', 'b', 'c', 'd']), named(1, ['a', 'b', 'c', 'e'])], base), (err: unknown) => err instanceof DataError && /names other documents/.test(err.message));
  assert.throws(() => pairedEffect([named(0, ['a', 'b', 'c', 'd']), named(1, ['a', 'b', 'c', 'd'])], base.map((m) => ({ ...m, documentIds: ['a', 'b', 'd', 'c'] }))), (err: unknown) => err instanceof DataError && /name other documents/.test(err.message));
});
