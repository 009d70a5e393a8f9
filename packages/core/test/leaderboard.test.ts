import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { boardCsv, buildBoard, formatNumber, safeText, summarize, summarizePositive, summarizeUnitInterval, type ResultRecord } from '../src/index.js';

const provenance = {
  cellKey: 'a'.repeat(64), configHash: 'b'.repeat(64), paramsTotal: 10, paramsActive: 5, flopsPerTokenTrain: 30, flopsPerTokenInference: 10,
  tokens: 100, backend: 'wasm', nativeKernels: false, labbenchVersion: '0.1.0', plugins: {}, gitCommit: 'c'.repeat(40), date: '2026-01-01T00:00:00.000Z', profile: 'smoke',
} as const;

function record(arm: string, seed: number, value: number, direction: 'higher' | 'lower' = 'lower', metric = 'bpb'): ResultRecord {
  return { schema: 'labbench.result/v1', study: 's', studyVersion: 1, arm, seed, board: 'ppl', metric, value, direction, n: 1, provenance };
}

test('buildBoard: one row per arm, ranks follow the direction', () => {
  const rows = buildBoard([record('a', 0, 2), record('a', 1, 2.01), record('b', 0, 1), record('b', 1, 1.01)], 'ppl');
  assert.equal(rows.length, 2);
  assert.equal(rows.find((r) => r.arm === 'b')!.metrics.get('bpb')!.rank, 1);
  assert.equal(rows.find((r) => r.arm === 'a')!.metrics.get('bpb')!.rank, 2);
  assert.equal(rows.find((r) => r.arm === 'b')!.winRate, 1);
});

test('boardCsv: text cells that start like a formula are neutralised; numbers keep their sign', () => {
  const csv = boardCsv(buildBoard([record('=cmd', 0, -1.5), record('ok', 0, 2)], 'ppl'));
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  assert.equal(rows.find((r) => r.arm.includes('cmd'))!.arm, "'=cmd");
  assert.equal(rows.find((r) => r.arm.includes('cmd'))!.bpb, '-1.5');
  assert.equal(rows[0].native_kernels, 'false');
});

test('formatNumber: for any finite double, no exponent notation and the value survives to 5 significant digits', () => {
  fc.assert(fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
    const text = formatNumber(x);
    const back = Number(text);
    return !/e/i.test(text) && (Math.abs(x) < 1e-9 || Math.abs(back - x) <= Math.abs(x) * 1e-5 + 1e-12);
  }));
});

test('safeText: for any string, the result never starts with a formula character', () => {
  fc.assert(fc.property(fc.string(), (s) => !/^[=+\-@\t\r]/.test(safeText(s))));
});

test('buildBoard: for any positive seed values, perplexity and percentage-error intervals stay above zero (log scale); other metrics keep the t-interval', () => {
  const positives = fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 6 });
  fc.assert(fc.property(positives, fc.constantFrom('id.all.token_ppl', 'ood.email-spam.token_ppl', 'id.tsl.future_mape', 'future_max_ape'), (values, metric) => {
    const rows = buildBoard(values.map((v, seed) => record('a', seed, v, 'lower', metric)), 'ppl');
    const cell = rows[0].metrics.get(metric)!;
    const plain = buildBoard(values.map((v, seed) => record('a', seed, v)), 'ppl')[0].metrics.get('bpb')!;
    const expected = summarizePositive(values);
    assert.ok(cell.ciLow > 0, `${metric}: ${cell.ciLow}`);
    assert.deepEqual([cell.mean, cell.ciLow, cell.ciHigh], [expected.mean, expected.ciLow, expected.ciHigh]);
    const t = summarize(values);
    assert.deepEqual([plain.ciLow, plain.ciHigh], [t.ciLow, t.ciHigh]);
  }));
  // a perplexity of 335 and 120 over two seeds reads [-1138.4, 1593.4] on the t scale (scipy.stats.t.ppf(0.975, 1) * np.std([335, 120], ddof=1) / np.sqrt(2) around 227.5)
  const ppl = buildBoard([record('a', 0, 335, 'lower', 'id.all.token_ppl'), record('a', 1, 120, 'lower', 'id.all.token_ppl')], 'ppl')[0].metrics.get('id.all.token_ppl')!;
  assert.ok(ppl.ciLow > 0 && ppl.ciHigh > 335);
});

test('buildBoard: for any seed values in [0, 1], accuracy, AUROC and recall intervals stay inside [0, 1]', () => {
  const unit = fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)), { minLength: 2, maxLength: 6 });
  fc.assert(fc.property(unit, fc.constantFrom('mc-cloze-rare.acc', 'auroc', 'tpr_at_1fpr', 'email-hard.r10@1', 'fiction-random.mrr'), (values, metric) => {
    const cell = buildBoard(values.map((v, seed) => record('a', seed, v, 'higher', metric)), 'ppl')[0].metrics.get(metric)!;
    const expected = summarizeUnitInterval(values);
    assert.deepEqual([cell.mean, cell.ciLow, cell.ciHigh], [expected.mean, expected.ciLow, expected.ciHigh]);
    assert.ok(cell.ciLow >= 0 && cell.ciHigh <= 1 && cell.ciLow <= cell.ciHigh, `${metric}: [${cell.ciLow}, ${cell.ciHigh}]`);
  }));
});

test('summarizeUnitInterval: logit-scale interval inside (0, 1), or the plain one cut to [0, 1] at a 0 or a 1 (scipy)', () => {
  // from scipy.special import logit, expit; expit(scipy.stats.ttest_1samp(logit([0.9, 0.6]), 0).confidence_interval(0.95))
  const s = summarizeUnitInterval([0.9, 0.6]);
  assert.ok(Math.abs(s.ciLow - 4.1828680647441045e-05) < 1e-12 && Math.abs(s.ciHigh - 0.9999969014592041) < 1e-12, `${s.ciLow} ${s.ciHigh}`);
  assert.equal(s.mean, 0.75);
  // scipy.stats.ttest_1samp([0.0, 0.1], 0).confidence_interval(0.95) = (-0.5853, 0.6853): cut at 0
  const cut = summarizeUnitInterval([0, 0.1]);
  assert.equal(cut.ciLow, 0);
  assert.ok(Math.abs(cut.ciHigh - 0.6853102368087348) < 1e-9);
});
