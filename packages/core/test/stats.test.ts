import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../src/errors.js';
import { auroc, summarize, summarizePositive, tCdf, tCritical95, tQuantile, normalQuantile } from '../src/stats.js';

const close = (actual: number, expected: number, tolerance: number, label: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} vs ${expected}`);

test('tCritical95: matches scipy at df 1, 2, 5, 31, 100 (no table, no 1.96 above 30)', () => {
  const expected: [number, number][] = [
    [1, 12.706204736174694], // scipy.stats.t.ppf(0.975, 1)
    [2, 4.302652729749462], // scipy.stats.t.ppf(0.975, 2)
    [5, 2.5705818356363146], // scipy.stats.t.ppf(0.975, 5)
    [31, 2.039513446396408], // scipy.stats.t.ppf(0.975, 31)
    [100, 1.9839715185235518], // scipy.stats.t.ppf(0.975, 100)
  ];
  for (const [df, q] of expected) close(tCritical95(df), q, 1e-9, `df ${df}`);
  assert.ok(Number.isNaN(tCritical95(0)));
});

test('tQuantile, tCdf, normalQuantile: match scipy', () => {
  close(tQuantile(0.8, 3), 0.9784723123633042, 1e-9, 't.ppf(0.8, 3)'); // scipy.stats.t.ppf(0.8, 3)
  close(tCdf(-2.5, 4), 0.03338327240599407, 1e-12, 't.cdf(-2.5, 4)'); // scipy.stats.t.cdf(-2.5, 4)
  close(normalQuantile(0.975), 1.959963984540054, 1e-12, 'norm.ppf(0.975)'); // scipy.stats.norm.ppf(0.975)
  close(tQuantile(0.975, Number.POSITIVE_INFINITY), 1.959963984540054, 1e-12, 'df = inf is the normal');
});

test('summarize: the t-interval matches scipy.stats.ttest_1samp(...).confidence_interval', () => {
  // scipy.stats.ttest_1samp([0.12, -0.03, 0.08, 0.15, 0.02], 0).confidence_interval(0.95)
  const s = summarize([0.12, -0.03, 0.08, 0.15, 0.02]);
  close(s.ciLow, -0.022989490225068687, 1e-12, 'low');
  close(s.ciHigh, 0.15898949022506867, 1e-12, 'high');
  // scipy.stats.ttest_1samp([0.5, 0.7], 0).confidence_interval(0.95): two seeds use t = 12.71
  const two = summarize([0.5, 0.7]);
  close(two.ciLow, -0.6706204736174691, 1e-12, 'two seeds low');
  close(two.ciHigh, 1.870620473617469, 1e-12, 'two seeds high');
});

test('auroc: a NaN score is a DataError that names the index', () => {
  assert.throws(() => auroc([0.1, Number.NaN, 0.3], [0, 1, 1]), (error: unknown) => error instanceof DataError && /scores\[1\]/.test(error.message) && /NaN/.test(error.message));
});

test('auroc: a label count that differs from the score count is a DataError', () => {
  assert.throws(() => auroc([0.1, 0.2], [0, 1, 1]), DataError);
});

test('auroc: matches sklearn.metrics.roc_auc_score on a tied example', () => {
  // sklearn.metrics.roc_auc_score([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.4, 0.4]) = 0.6666666666666667
  close(auroc([0.1, 0.4, 0.35, 0.8, 0.4, 0.4], [0, 0, 1, 1, 0, 1]), 0.6666666666666667, 1e-12, 'auroc');
});

test('summarizePositive: a perplexity interval is built on logs and never reaches zero (scipy on np.log)', () => {
  // plain t over [335, 120] reaches below zero; np.exp(scipy.stats.ttest_1samp(np.log([335, 120]), 0).confidence_interval(0.95))
  assert.ok(summarize([335, 120]).ciLow < 0);
  const s = summarizePositive([335, 120]);
  close(s.ciLow, 0.2947787557083637, 1e-9, 'low');
  close(s.ciHigh, 136373.4638997236, 1e-4, 'high');
  assert.equal(s.mean, 227.5);
  assert.deepEqual(summarizePositive([-1, 2]), summarize([-1, 2]));
});
