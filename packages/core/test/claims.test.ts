import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeClaim, judgeReport } from '../src/claims.js';
import { ConfigError, DataError } from '../src/errors.js';
import { gateRecords } from '../src/gates.js';
import { check } from '../src/schemas.js';
import { holmAdjust } from '../src/stats.js';
import { claim, record, series, study } from './claim-records.js';

const close = (actual: number | null | undefined, expected: number, tolerance: number, label: string) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${label}: ${actual} vs ${expected}`);

// Three seeds, no per-document values: the paired t over seeds.
const method = [3.1, 3.05, 3.2];
const baseline = [3.0, 2.9, 3.02];
const threeSeeds = (direction: 'higher' | 'lower') => [...series('method', method, { direction }), ...series('baseline', baseline, { direction })];

test('judgeClaim: without per-document values it is the paired t-test over seeds (scipy.stats.ttest_rel)', () => {
  const j = judgeClaim(study([claim()]), claim(), threeSeeds('higher'));
  assert.equal(j.test, 'paired-t');
  close(j.effect, 0.1433333333333334, 1e-12, 'effect'); // (m - b).mean()
  close(j.p, 0.02549184043642633, 1e-10, 'p'); // scipy.stats.ttest_rel([3.1, 3.05, 3.2], [3.0, 2.9, 3.02]).pvalue
  close(j.interval?.[0], 0.04293810297251256, 1e-10, 'low'); // ttest_rel(...).confidence_interval(0.95).low
  close(j.interval?.[1], 0.24372856369415424, 1e-10, 'high');
  // (scipy.stats.t.ppf(.975, 2) + scipy.stats.t.ppf(.8, 2)) * np.std(m - b, ddof=1) / np.sqrt(3)
  close(j.mde, 0.12514396770612568, 1e-9, 'mde');
  close(j.snr, 3.546580225021987, 1e-9, 'snr'); // abs(mean(m - b)) / np.std(m - b, ddof=1)
  assert.equal(j.seeds, 3);
  assert.equal(j.verdict, 'reproduced');
});

test('judgeClaim: the same difference on a lower-is-better metric is "not reproduced"', () => {
  const j = judgeClaim(study([claim()]), claim(), threeSeeds('lower'));
  assert.equal(j.verdict, 'not reproduced');
  assert.match(j.reason, /opposite side/);
});

test('judgeClaim: a log-scale claim tests log ratios and reports a ratio interval above zero (scipy on np.log(m / b))', () => {
  const c = claim({ scale: 'log' });
  const j = judgeClaim(study([c]), c, threeSeeds('higher'));
  close(j.effect, 0.04703821828959518, 1e-12, 'log ratio'); // np.mean(np.log(m / b))
  close(j.p, 0.024133892888074153, 1e-10, 'p'); // scipy.stats.ttest_1samp(np.log(m / b), 0).pvalue
  close(j.ratio?.low, 1.0151275880812165, 1e-9, 'ratio low'); // np.exp(ttest_1samp(...).confidence_interval(0.95).low)
  close(j.ratio?.high, 1.0822715609100033, 1e-9, 'ratio high');
});

test('judgeClaim: one seed is inconclusive and says why', () => {
  const records = [record('method', 0, 1), record('baseline', 0, 2)];
  const j = judgeClaim(study([claim()]), claim(), records);
  assert.equal(j.verdict, 'inconclusive');
  assert.equal(j.interval, null);
  assert.match(j.reason, /one seed/);
});

test('judgeClaim: a study with no records of the arms is "not run"', () => {
  const j = judgeClaim(study([claim()]), claim(), [record('other', 0, 1)]);
  assert.equal(j.verdict, 'not run');
  assert.equal(j.effect, null);
});

test('judgeClaim: a failed gate makes the verdict "invalid regime" naming gate, measured value and need', () => {
  const gates = [{ id: 'beats-bigram', text: 'baseline beats the bigram', kind: 'margin', board: 'ppl', metric: 'id.all.bits_per_byte', arm: 'baseline', than: 'ref-bigram', atLeast: 0.15 } as const];
  const s = study([claim()], { gates });
  // lower is better: the margin is ref-bigram - baseline = 3.0 - 2.9733 = 0.0267
  const records = [...threeSeeds('lower'), ...series('ref-bigram', [3.0, 3.0, 3.0])];
  const j = judgeClaim(s, claim(), records);
  assert.equal(j.verdict, 'invalid regime');
  assert.equal(j.reason, 'invalid regime: beats-bigram, measured 0.0267, needs >= 0.15');
  assert.deepEqual(j.gates.map((g) => g.passed), [false]);
  // without the reference rows the gate is not measured, which is no licence to judge
  const unmeasured = judgeClaim(s, claim(), threeSeeds('lower'));
  assert.equal(unmeasured.verdict, 'invalid regime');
  assert.match(unmeasured.reason, /beats-bigram, not measured/);
  // a bigram far worse than the baseline passes, and the statistics decide
  const passed = judgeClaim(s, claim(), [...threeSeeds('lower'), ...series('ref-bigram', [3.5, 3.5, 3.5])]);
  assert.equal(passed.verdict, 'not reproduced');
});

test('gateRecords: one schema-valid results line per gate of each judged claim, with its study version and raw verdict', () => {
  const gates = [
    { id: 'beats-bigram', text: 'baseline beats the bigram', kind: 'margin', board: 'ppl', metric: 'id.all.bits_per_byte', arm: 'baseline', than: 'ref-bigram', atLeast: 0.15 } as const,
    { id: 'entropy', text: 'in range', kind: 'bound', board: 'ppl', metric: 'id.all.bits_per_byte', arm: 'method', atLeast: 3.0, atMost: 3.1 } as const,
  ];
  const s = study([claim({ gates: ['beats-bigram', 'entropy'] })], { gates, version: 4 });
  const records = [...threeSeeds('lower'), ...series('ref-bigram', [3.0, 3.0, 3.0])].map((r) => ({ ...r, studyVersion: 4 }));
  const entries = judgeReport([{ study: s, paper: 'toy', plugin: null }], records);
  const lines = gateRecords(entries, [s], 'quick');
  assert.deepEqual(lines.map((g) => [g.gate, g.passed]), [['beats-bigram', false], ['entropy.min', true], ['entropy.max', false]]);
  for (const g of lines) {
    assert.deepEqual(check('gate', g), [], g.gate);
    assert.deepEqual([g.study, g.studyVersion, g.claim, g.claimVerdict, g.seeds, g.profile], ['toy', 4, 'main', 'invalid regime', 3, 'quick']);
  }
  assert.throws(() => gateRecords(entries, [], 'quick'), /toy\/main is of a study not among the definitions/);
});

test('judgeClaim: a two-sided bound reports both sides', () => {
  const gates = [{ id: 'entropy', text: 'router entropy in range', kind: 'bound', board: 'ppl', metric: 'id.all.bits_per_byte', arm: 'method', atLeast: 3.0, atMost: 3.1 } as const];
  const j = judgeClaim(study([claim()], { gates }), claim(), threeSeeds('lower'));
  assert.deepEqual(j.gates.map((g) => [g.gate, g.passed]), [['entropy.min', true], ['entropy.max', false]]); // mean 3.1167
});

test('judgeClaim: a gate the study does not declare is a ConfigError', () => {
  const c = claim({ gates: ['nope'] });
  assert.throws(() => judgeClaim(study([c]), c, threeSeeds('lower')), ConfigError);
});

test('judgeClaim: a seed-invariant metric gets a document-bootstrap interval, never zero width', () => {
  // 40 documents; np.random.default_rng(7): m = round(normal(3, .5, 40), 4), b = round(m + normal(.05, .2, 40), 4)
  const m = [3.0006, 3.1494, 2.8629, 2.5547, 2.7727, 2.5042, 3.0301, 3.6701, 2.7539, 2.6898, 3.2449, 3.1784, 3.0527, 2.5348, 2.9854, 3.3477, 2.3279, 2.7712, 2.0494, 2.3552, 2.0791, 2.8825, 2.3663, 3.1356, 3.0784, 2.9065, 1.7416, 2.7307, 2.9757, 3.0567, 2.2349, 2.7611, 2.5107, 2.5956, 3.5304, 2.5962, 2.9837, 3.4422, 2.7082, 2.9441];
  const b = [3.0727, 3.2122, 2.6679, 2.6199, 3.0945, 2.2448, 3.252, 3.744, 2.6756, 3.1399, 3.4474, 2.9885, 3.1176, 2.7001, 2.9976, 3.5343, 2.3646, 2.9546, 2.3871, 2.2701, 2.1697, 2.8398, 2.4418, 2.9482, 3.0125, 2.9173, 1.9714, 3.0097, 2.761, 2.9478, 2.4143, 2.4126, 2.4681, 2.6261, 3.8318, 2.7841, 2.9683, 3.4185, 2.7082, 3.2988];
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const records = [0, 1].flatMap((seed) => [
    record('method', seed, mean(m), { details: { perDocument: m } }),
    record('baseline', seed, mean(b), { details: { perDocument: b } }),
  ]);
  const j = judgeClaim(study([claim()]), claim(), records, { resamples: 4000 });
  assert.equal(j.test, 'documents');
  assert.equal(j.documents, 40);
  close(j.effect, -0.05848000000000003, 1e-9, 'effect'); // (m - b).mean()
  // np.var(m - b) / 40 = 0.000813613 (the ideal bootstrap variance of a mean);
  // scipy.stats.bootstrap((m - b,), np.mean, n_resamples=20000, random_state=0).standard_error**2 = 0.000799938
  close(j.paired!.documentVariance, 0.0008136131774999996, 0.1 * 0.0008136131774999996, 'document variance');
  assert.ok(j.interval![1] - j.interval![0] > 0.05, `width ${j.interval![1] - j.interval![0]}`);
  assert.equal(j.verdict, 'reproduced'); // effect -0.058 on a lower-is-better metric, se ~0.0285, t ~ -2.05 with 39 df
});

test('holmAdjust: matches the step-down formula (hand-computed: sorted p times m - i, running max, capped at 1)', () => {
  // p = [0.01, 0.04, 0.03]: 0.01 * 3 = 0.03; 0.03 * 2 = 0.06; max(0.06, 0.04 * 1) = 0.06
  assert.deepEqual(holmAdjust([0.01, 0.04, 0.03]).map((x) => Number(x.toFixed(12))), [0.03, 0.06, 0.06]);
  assert.deepEqual(holmAdjust([0.5, 0.9]), [1, 1]);
  assert.deepEqual(holmAdjust([]), []);
});

test('judgeReport: headline claims are one Holm family, secondary claims another; raw and corrected verdicts stand side by side', () => {
  const mk = (id: string, role: 'headline' | 'secondary', offset: number) => {
    const c = claim({ id, role, method: `m-${id}`, baseline: `b-${id}` });
    return { c, records: [...series(`m-${id}`, method.map((x) => x + offset), { direction: 'higher' }), ...series(`b-${id}`, baseline, { direction: 'higher' })] };
  };
  const parts = [mk('h1', 'headline', 0), mk('h2', 'headline', 0), mk('s1', 'secondary', 0)];
  const s = study(parts.map((p) => p.c), { arms: {} });
  const entries = judgeReport([{ study: s, paper: 'Toy paper', plugin: 'toy' }], parts.flatMap((p) => p.records));
  const [h1, h2, s1] = entries;
  close(h1.pHolm, 2 * 0.02549184043642633, 1e-9, 'headline Holm (two in the family)');
  close(h2.pHolm, 2 * 0.02549184043642633, 1e-9, 'headline Holm');
  close(s1.pHolm, 0.02549184043642633, 1e-9, 'secondary alone');
  assert.deepEqual([h1.verdict, h1.correctedVerdict, s1.verdict, s1.correctedVerdict], ['reproduced', 'inconclusive', 'reproduced', 'reproduced']);
  assert.equal(h1.paper, 'Toy paper');
});

test('defaultGates: beats-bigram on the reference source arm when the study runs perplexity; none for tokenizer-only baselines or references: false', async () => {
  const { defaultGates } = await import('../src/gates.js');
  const lm = study([claim()], { evaluators: ['perplexity'] });
  assert.deepEqual(defaultGates(lm).map((g) => [g.id, g.kind === 'margin' ? `${g.arm}>${g.than}+${g.atLeast}` : '']), [['beats-bigram', 'baseline>ref-bigram+0.15']]);
  assert.deepEqual(defaultGates(study([claim()])), [], 'no perplexity evaluator');
  assert.deepEqual(defaultGates({ ...lm, references: false }), []);
  assert.deepEqual(defaultGates({ ...lm, arms: { method: {}, baseline: { model: 'none' } } }), [], 'a tokenizer-only baseline has no bits per byte');
  const knocked = defaultGates({ ...lm, knockouts: [{ component: 'ffn' }] });
  assert.deepEqual(knocked.map((g) => g.id), ['beats-bigram', 'knockout-ffn-matters']);
});

test('judgeClaim: a perplexity claim reads details.aggregate, so its document noise is that of the mean loss; an unknown aggregate is a DataError', () => {
  // per-document mean losses of 6 documents, 3 seeds; the records' values are exp of the weighted means
  const docs = (shift: number, seed: number) => [4.1, 3.7, 5.2, 4.4, 3.9, 4.8].map((x, j) => x + shift + 0.03 * Math.sin(7 * j + seed));
  const weights = [120, 80, 200, 60, 150, 90];
  const rows = (arm: string, shift: number, aggregate: string) => [0, 1, 2].map((seed) => {
    const perDocument = docs(shift, seed);
    const loss = perDocument.reduce((a, x, j) => a + x * weights[j], 0) / weights.reduce((a, w) => a + w, 0);
    return record(arm, seed, Math.exp(loss), { metric: 'id.all.token_ppl', details: { perDocument, perDocumentWeights: weights, aggregate } });
  });
  const c = claim({ metric: 'id.all.token_ppl', scale: 'log' });
  const j = judgeClaim(study([c]), c, [...rows('method', -0.02, 'exp-weighted-mean'), ...rows('baseline', 0, 'exp-weighted-mean')]);
  const asLoss = claim({ metric: 'loss', scale: 'linear' });
  const lossRows = (arm: string, shift: number) => rows(arm, shift, 'weighted-mean').map((r) => ({ ...r, metric: 'loss', value: Math.log(r.value) }));
  const l = judgeClaim(study([asLoss]), asLoss, [...lossRows('method', -0.02), ...lossRows('baseline', 0)]);
  close(j.effect, l.effect!, 1e-9, 'log ratio = loss difference');
  close(j.p, l.p!, 1e-9, 'same p');
  assert.throws(() => judgeClaim(study([c]), c, [...rows('method', -0.02, 'median'), ...rows('baseline', 0, 'median')]), (e: unknown) => e instanceof DataError && /details\.aggregate/.test(e.message));
});

test('judgeClaim: records of another version of the study are not judged by this definition ("not run", saying which versions to rerun)', () => {
  const c = claim();
  const old = [...series('method', [1.0, 1.1, 1.05]), ...series('baseline', [1.2, 1.3, 1.25])];
  const j = judgeClaim(study([c], { version: 4 }), c, old);
  assert.equal(j.verdict, 'not run');
  assert.match(j.reason, /records are of study version v1, and its definition is now v4: rerun the study/);
  assert.notEqual(judgeClaim(study([c]), c, old).verdict, 'not run', 'the same records are judged under their own version');
});

test('judgeClaim: a sequential design that stopped before it decided (its plan says "add seed") decides nothing, however small its p', () => {
  const c = claim();
  const records = [...series('method', [1.0, 1.12, 1.03, 1.07]), ...series('baseline', [1.31, 1.4, 1.35, 1.33])];
  const plan = (decision: 'add seed' | 'decided') => new Map([['toy', { design: "O'Brien-Fleming", looks: 2, maxSeeds: 8, alphaSpent: 0.005, decision, sequentialP: new Map([['main', 0.004]]) }]]);
  const open = judgeClaim(study([c]), c, records, { sequential: plan('add seed') });
  assert.equal(open.verdict, 'inconclusive');
  assert.match(open.reason, /sequential design had not decided at 4 of up to 8 seeds/);
  assert.equal(judgeClaim(study([c]), c, records, { sequential: plan('decided') }).verdict, 'reproduced');
});
