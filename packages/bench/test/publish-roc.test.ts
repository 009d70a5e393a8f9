import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResultRecord } from '@labbench/core';
import fc from 'fast-check';
import { buildPlots } from '../src/publish/plots.js';
import { averageRoc, bestSeries, type RocCurve, readRoc, rocArea, rocSeries, seriesName, tprAt } from '../src/publish/roc.js';
import { record, svgMarks } from './publish-fixtures.js';

// sklearn 1.2.1, numpy 1.24.2:
//   y = [0,0,1,1,0,1,0,1,1,0]; s = [0.1,0.4,0.35,0.8,0.4,0.9,0.2,0.4,0.7,0.05]
//   fpr, tpr, _ = sklearn.metrics.roc_curve(y, s)
const SKLEARN: RocCurve = { fpr: [0.0, 0.0, 0.0, 0.4, 0.4, 1.0], tpr: [0.0, 0.2, 0.6, 0.8, 1.0, 1.0] };
// sklearn.metrics.auc(fpr, tpr) == sklearn.metrics.roc_auc_score(y, s)
const SKLEARN_AUC = 0.8799999999999999;
// numpy.interp([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1], fpr, tpr)
const NUMPY_INTERP: [number, number][] = [
  [0, 0.6],
  [0.1, 0.65],
  [0.2, 0.7],
  [0.3, 0.75],
  [0.4, 1.0],
  [0.5, 1.0],
  [0.75, 1.0],
  [1, 1.0],
];

const detection = (fields: { arm?: string; seed?: number; task: string; detector: string; generator?: string; roc: unknown; metric?: string }): ResultRecord =>
  record({
    study: 'hc3-plus',
    arm: fields.arm ?? 'gen-a',
    seed: fields.seed ?? 0,
    board: 'detection',
    direction: 'higher',
    metric: fields.metric ?? 'auroc',
    value: 0.5,
    details: { facets: { task: fields.task, detector: fields.detector, generator: fields.generator ?? 'all', decoding: 'all' }, roc: fields.roc },
  });

/** A valid ROC curve: sorted unit FPRs and TPRs paired in order, from (0, 0) to (1, 1). */
const curveArb = fc
  .array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 0, maxLength: 30 })
  .map((points): RocCurve => {
    const fpr = [0, ...points.map((p) => p[0]).sort((a, b) => a - b), 1];
    const tpr = [0, ...points.map((p) => p[1]).sort((a, b) => a - b), 1];
    return { fpr, tpr };
  });

/** A curve a detector of strength `k` draws: TPR = FPR^(1/k) at 21 points (k = 1 is chance). */
const powerCurve = (k: number): { fpr: number[]; tpr: number[] } => {
  const fpr = Array.from({ length: 21 }, (_, i) => i / 20);
  return { fpr, tpr: fpr.map((x) => x ** (1 / k)) };
};

/** Area marks (the min-max bands over seeds) and the text of an SVG. */
const bands = (svg: string) => svgMarks(svg, 'area');
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

test('roc: area and interpolation agree with sklearn.metrics.auc and numpy.interp on a curve with ties', () => {
  assert.ok(Math.abs(rocArea(SKLEARN) - SKLEARN_AUC) < 1e-12, String(rocArea(SKLEARN)));
  for (const [x, expected] of NUMPY_INTERP) assert.ok(Math.abs(tprAt(SKLEARN, x) - expected) < 1e-12, `tpr at ${x}: ${tprAt(SKLEARN, x)} vs ${expected}`);
});

test('roc: for any curve, TPR read at a rising FPR never falls, stays in [0, 1], and the area is in [0, 1]', () => {
  fc.assert(
    fc.property(curveArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 20 }), (curve, xs) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const ys = sorted.map((x) => tprAt(curve, x));
      for (let i = 0; i < ys.length; i++) {
        assert.ok(ys[i] >= 0 && ys[i] <= 1, `tpr ${ys[i]} at ${sorted[i]}`);
        if (i > 0) assert.ok(ys[i] >= ys[i - 1] - 1e-12, `falls from ${ys[i - 1]} to ${ys[i]} between ${sorted[i - 1]} and ${sorted[i]}`);
      }
      const area = rocArea(curve);
      assert.ok(area >= -1e-12 && area <= 1 + 1e-12, String(area));
    }),
    { numRuns: 300 },
  );
});

test('roc: for any curves, the averaged curve lies inside its min-max band, and one curve is its own average at its points', () => {
  fc.assert(
    fc.property(fc.array(curveArb, { minLength: 1, maxLength: 4 }), (curves) => {
      for (const p of averageRoc(curves)) assert.ok(p.low <= p.mean + 1e-12 && p.mean <= p.high + 1e-12, JSON.stringify(p));
      const [one] = curves;
      const xs = [...new Set(one.fpr)];
      const averaged = averageRoc([one], xs);
      for (const [i, x] of xs.entries()) assert.equal(averaged[i].mean, tprAt(one, x));
    }),
    { numRuns: 200 },
  );
});

test('readRoc: a malformed details.roc is a ContractError (exit 2) naming the record and the point; no roc is undefined', () => {
  const bad: unknown[] = [
    [
      [0, 0],
      [1, 1],
    ], // the old pairs format
    { fpr: [0, 1], tpr: [0] },
    { fpr: [0, 0.5, 0.4, 1], tpr: [0, 0.5, 0.6, 1] },
    { fpr: [0, 1], tpr: [0, 1.5] },
    { fpr: [0, 0.5, 1], tpr: [0, 0.9, 0.8] },
    { fpr: ['0', 1], tpr: [0, 1] },
    null,
  ];
  for (const roc of bad) {
    assert.throws(
      () => readRoc(detection({ task: 'A', detector: 'd', roc })),
      (error: Error & { exitCode?: number }) => error.exitCode === 2 && /hc3-plus/.test(error.message) && /details\.roc/.test(error.message),
      JSON.stringify(roc),
    );
  }
  assert.equal(readRoc(record({ study: 's', arm: 'a', metric: 'auroc', value: 1 })), undefined);
  assert.deepEqual(readRoc(detection({ task: 'A', detector: 'd', roc: SKLEARN })), SKLEARN);
});

test('rocSeries: one curve per (task, arm, facets) and seed, however many records of that seed carry it; controls (direction none) are no detectors', () => {
  const records = [0, 1].flatMap((seed) =>
    ['auroc', 'tpr_at_1fpr'].map((metric) => detection({ seed, metric, task: 'A', detector: 'loglik@lm-a', roc: powerCurve(2 + seed) })),
  );
  const control = { ...detection({ task: 'A', detector: 'length-control', roc: powerCurve(50) }), direction: 'none' as const };
  const [series, ...rest] = rocSeries([...records, control]);
  assert.equal(rest.length, 0);
  assert.equal(series.curves.length, 2);
  assert.equal(series.task, 'A');
  assert.deepEqual(series.facets, { decoding: 'all', detector: 'loglik@lm-a', generator: 'all' });
  assert.ok(Math.abs(series.area - (rocArea(powerCurve(2)) + rocArea(powerCurve(3))) / 2) < 1e-12);
});

test('bestSeries: pooled curves (generator all) compete when there are any, best area first; names are full', () => {
  const records = [
    detection({ task: 'A', detector: 'weak', roc: powerCurve(1.5) }),
    detection({ task: 'A', detector: 'strong', roc: powerCurve(4) }),
    detection({ task: 'A', detector: 'strong', generator: 'lm-b', roc: powerCurve(9) }),
  ];
  const best = bestSeries(rocSeries(records), 5);
  assert.deepEqual(
    best.map((s) => seriesName(s, false)),
    ['strong', 'weak'],
  );
  const sliced = bestSeries(rocSeries(records.slice(2)), 5);
  assert.deepEqual(
    sliced.map((s) => seriesName(s, true)),
    ['gen-a / strong / generator lm-b'],
  );
});

test('plots: a ROC plot per task draws the best 5 detectors by AUROC, each named in full, with a band over seeds and the chance diagonal', async () => {
  const detectors = Array.from({ length: 7 }, (_, i) => `detector-${i}-with-a-long-name-that-must-not-be-cut@lm-scaffold-bpe-20000`);
  const records = ['A', 'B-para'].flatMap((task) =>
    detectors.flatMap((detector, i) => [0, 1].map((seed) => detection({ task, detector, seed, roc: powerCurve(1 + i + seed * 0.5) }))),
  );
  const plots = (await buildPlots(records, [])).filter((p) => p.file.includes('/roc-'));
  assert.deepEqual(
    plots.map((p) => p.file),
    ['hc3-plus/roc-A.svg', 'hc3-plus/roc-B-para.svg'],
  );
  for (const plot of plots) {
    const words = texts(plot.svg);
    for (const d of detectors.slice(2)) assert.ok(words.includes(d), `legend names ${d} in full: ${words.join(' | ')}`);
    for (const d of detectors.slice(0, 2)) assert.ok(!words.includes(d), `the two weakest are left out: ${d}`);
    assert.equal(bands(plot.svg), 5, 'a min-max band over the two seeds per detector');
    // the 300 x 300 plot's line paths: five curves from the origin, straight up at FPR 0, and the chance diagonal
    const lines = [...plot.svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)].flatMap((g) =>
      [...g[1].matchAll(/ d="([^"]*)"/g)].map((m) => m[1]),
    );
    assert.deepEqual(
      lines.filter((d) => d === 'M0,300L300,0'),
      ['M0,300L300,0'],
      'the chance diagonal',
    );
    const curves = lines.filter((d) => d !== 'M0,300L300,0');
    assert.equal(curves.length, 5);
    assert.ok(
      curves.every((d) => d.startsWith('M0,300L0,')),
      `curves start at the origin: ${curves.map((d) => d.slice(0, 20))}`,
    );
    assert.ok(words.includes('false positive rate') && words.includes('true positive rate'));
    assert.ok(/strokeDash|stroke-dasharray/.test(plot.svg), 'the dashed chance diagonal');
  }
  assert.match(plots[1].title, /task B-para/);
  const single = (
    await buildPlots(
      records.filter((r) => r.seed === 0),
      [],
    )
  ).filter((p) => p.file.includes('/roc-'));
  assert.equal(bands(single[0].svg), 0, 'one seed: no band');
});

test('plots: records without details.roc draw no ROC plot, and a malformed one stops the publish with a ContractError', async () => {
  const plain = record({ study: 'hc3-plus', arm: 'gen-a', board: 'detection', metric: 'auroc', value: 0.7, direction: 'higher' });
  assert.equal((await buildPlots([plain], [])).filter((p) => p.file.includes('roc')).length, 0);
  await assert.rejects(
    buildPlots([detection({ task: 'A', detector: 'd', roc: { fpr: [0, 1], tpr: [1, 0] } })], []),
    (e: Error & { exitCode?: number }) => e.exitCode === 2,
  );
});
