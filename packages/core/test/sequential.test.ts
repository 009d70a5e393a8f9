import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alphaSpent, planSequentialSeeds, sequentialP, sequentialRecords, sequentialThreshold } from '../src/sequential.js';
import { judgeReport } from '../src/claims.js';
import type { ResultRecord } from '../src/results.js';
import { tTwoSidedP } from '../src/stats.js';
import { claim, record, study } from './claim-records.js';
import { binomialTolerance, gaussian } from './gaussian.js';

const design = { alpha: 0.05, minSeeds: 2, maxSeeds: 8 };
const toy = study([claim()]);

/** Runs --until-decided on one simulated study: seed s gives method = base + effect + noise. */
function simulate(effect: number, seed: number, futilityPower = 0.1): { decided: boolean; seeds: number } {
  const z = gaussian(seed);
  const records: ResultRecord[] = [];
  for (let s = 0; ; s++) {
    const base = 3 + z();
    records.push(record('baseline', s, base), record('method', s, base + effect + z() / Math.SQRT2));
    if (s + 1 < design.minSeeds) continue;
    const [plan] = planSequentialSeeds([toy], records, { ...design, futilityPower });
    if (plan.decision === 'stop') return { decided: plan.claims[0].decision === 'decided', seeds: s + 1 };
  }
}

test("alphaSpent: O'Brien-Fleming-type Lan-DeMets spending (scipy: 2 - 2 * norm.cdf(norm.ppf(0.975) / sqrt(t)))", () => {
  // 2 - 2 * scipy.stats.norm.cdf(scipy.stats.norm.ppf(0.975) / np.sqrt(0.5)) = 0.005574596680784305
  assert.ok(Math.abs(alphaSpent(4, 8, 0.05) - 0.005574596680784305) < 1e-12);
  assert.ok(Math.abs(alphaSpent(8, 8, 0.05) - 0.05) < 1e-12);
});

test('sequentialThreshold: boundaries grow with the looks and the last stays below alpha', () => {
  const thresholds = [2, 3, 4, 5, 6, 7, 8].map((n) => sequentialThreshold(n, design));
  for (let i = 1; i < thresholds.length; i++) assert.ok(thresholds[i] >= thresholds[i - 1], thresholds.join(', '));
  assert.ok(thresholds[6] < 0.05 && thresholds[6] > 0.02, `last ${thresholds[6]}`);
});

test('sequentialP: below alpha exactly when p crosses the look boundary', () => {
  for (const n of [3, 5, 8]) {
    const b = sequentialThreshold(n, design);
    assert.ok(sequentialP(b * 0.9, n, design) < 0.05);
    assert.ok(sequentialP(Math.min(1, b * 1.5 + 1e-3), n, design) > alphaSpent(n, 8, 0.05) - 1e-3);
  }
});

test('planSequentialSeeds: A/A comparisons come out decided at no more than the nominal 5% over many repetitions', () => {
  const reps = 600;
  let decided = 0;
  for (let r = 0; r < reps; r++) if (simulate(0, 1000 + r).decided) decided++;
  const rate = decided / reps;
  assert.ok(rate <= 0.05 + binomialTolerance(0.05, reps), `false-positive rate ${rate}`);
});

test('naive optional stopping (p < 0.05 at every look, no spending) inflates the same A/A rate: the design is what holds it', () => {
  const reps = 600;
  let naive = 0;
  for (let r = 0; r < reps; r++) {
    const z = gaussian(1000 + r);
    const diffs: number[] = [];
    for (let s = 0; s < 8; s++) {
      const base = 3 + z();
      diffs.push(base + z() / Math.SQRT2 - base);
      if (diffs.length < 2) continue;
      const mean = diffs.reduce((a, x) => a + x, 0) / diffs.length;
      const sd = Math.sqrt(diffs.reduce((a, x) => a + (x - mean) ** 2, 0) / (diffs.length - 1));
      if (tTwoSidedP(mean / (sd / Math.sqrt(diffs.length)), diffs.length - 1) < 0.05) { naive++; break; }
    }
  }
  assert.ok(naive / reps > 0.05 + binomialTolerance(0.05, reps), `naive rate ${naive / reps}`);
});

test('planSequentialSeeds: a planted effect of 1.5 seed sd is detected in most repetitions, before maxSeeds on average', () => {
  const reps = 200;
  let decided = 0;
  let seeds = 0;
  for (let r = 0; r < reps; r++) {
    const out = simulate(1.5 / Math.SQRT2, 5000 + r);
    if (out.decided) decided++;
    seeds += out.seeds;
  }
  assert.ok(decided / reps >= 0.8, `power ${decided / reps}`);
  assert.ok(seeds / reps < 8, `mean seeds ${seeds / reps}`);
});

test('planSequentialSeeds: adds seeds only to undecided studies, stops decided, futile and invalid ones', () => {
  const clear = study([claim()], { id: 'clear' });
  const open = study([claim()], { id: 'open' });
  const gated = study([claim()], { id: 'gated', gates: [{ id: 'floor', text: 'method bpb at least 9', kind: 'bound', board: 'ppl', metric: 'id.all.bits_per_byte', arm: 'method', atLeast: 9 }] });
  const mk = (id: string, diffs: number[]) => diffs.flatMap((dv, s) => [record('baseline', s, 3 + 0.1 * s, { study: id }), record('method', s, 3 + 0.1 * s + dv, { study: id })]);
  const records = [
    ...mk('clear', [-1.0, -1.01, -0.99, -1.02, -1.0]), // decided at 5 seeds
    ...mk('open', [-0.3, 0.1, -0.4]), // undecided, effect not hopeless
    ...mk('gated', [-0.3, 0.1, -0.4]),
  ];
  const orphan = study([claim({ method: 'never-ran' })], { id: 'orphan' });
  records.push(...mk('orphan', [0.1, 0.2, 0.3]));
  const fresh = study([claim()], { id: 'fresh' });
  records.push(...mk('fresh', [0.1]));
  const plans = planSequentialSeeds([clear, open, gated, orphan, fresh], records, design);
  assert.deepEqual(plans.map((p) => [p.study, p.decision, p.nextSeeds]), [['clear', 'stop', null], ['open', 'add seed', 4], ['gated', 'stop', null], ['orphan', 'stop', null], ['fresh', 'add seed', 2]]);
  assert.deepEqual(plans.map((p) => p.claims[0].decision), ['decided', 'add seed', 'futility', 'futility', 'add seed']);
  assert.equal(plans[0].looks, 4);
  // the published verdict records the design and uses the stage-wise p
  const seq = sequentialRecords(plans);
  const entries = judgeReport([{ study: clear, paper: 'P', plugin: null }], records, { sequential: seq });
  assert.equal(entries[0].sequential?.looks, 4);
  assert.equal(entries[0].sequential?.decision, 'decided');
  assert.match(entries[0].sequential!.design, /O'Brien-Fleming/);
  assert.ok(entries[0].p !== null && entries[0].p < 0.05 && entries[0].verdict === 'reproduced');
});
