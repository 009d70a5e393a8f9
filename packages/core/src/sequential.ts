import { judgeClaim } from './claims.js';
import type { StudyDefinition } from './contracts/study.js';
import { ConfigError } from './errors.js';
import { Rng } from './random.js';
import type { ResultRecord } from './results.js';
import type { SequentialRecord } from './schemas/replication.js';
import { normalCdf, normalQuantile, tTwoSidedP } from './stats.js';

/**
 * Sequential seeds done validly (`labbench run --until-decided`). Looking at a p-value after
 * every added seed and stopping when it dips below 0.05 is optional stopping: with 8 looks an
 * A/A comparison comes out "significant" far more often than 5% of the time. Instead the looks
 * follow a group-sequential design with Lan-DeMets alpha spending of O'Brien-Fleming type:
 *
 *   information fraction  t = seeds / maxSeeds
 *   alpha spent by t      a(t) = 2 - 2 * Phi(z_{1 - alpha/2} / sqrt(t))
 *
 * so early looks (2-3 seeds) spend almost nothing and the last look tests at nearly alpha.
 * The nominal p threshold of each look is calibrated by simulating the paired t-test over seeds
 * under the null (its distribution does not depend on the unknown seed variance), so the small
 * degrees of freedom of few seeds are honoured exactly, not through a normal approximation.
 * Futility is non-binding (stopping for it can only lower the false-positive rate): a claim
 * stops when, even at maxSeeds, the effect measured so far would be detected with probability
 * below `futilityPower` (conditional power under the current estimate), from the third seed on.
 */

export interface SequentialDesign {
  /** Two-sided level of the whole sequence of looks (default 0.05). */
  readonly alpha?: number;
  /** Seeds at the first look (default 2). */
  readonly minSeeds?: number;
  /** Seeds at the last look (default 8). */
  readonly maxSeeds?: number;
  /** Stop for futility below this conditional power (default 0.1); 0 turns futility off. */
  readonly futilityPower?: number;
  /** Null paths simulated to place the boundaries (default 100000: the realised level is then within about 0.001 of alpha). */
  readonly paths?: number;
}

type Resolved = Required<SequentialDesign>;

function resolve(design: SequentialDesign): Resolved {
  const d = { alpha: 0.05, minSeeds: 2, maxSeeds: 8, futilityPower: 0.1, paths: 100000, ...design };
  if (!(d.alpha > 0 && d.alpha < 1)) throw new ConfigError('sequential design › alpha', `must lie in (0, 1), got ${d.alpha}.`, 'Use 0.05 or 0.01.');
  if (!(Number.isInteger(d.minSeeds) && d.minSeeds >= 2)) throw new ConfigError('sequential design › minSeeds', `must be an integer >= 2, got ${d.minSeeds}.`, 'A seed variance needs two seeds.');
  if (!(Number.isInteger(d.maxSeeds) && d.maxSeeds >= d.minSeeds && d.maxSeeds <= 64)) throw new ConfigError('sequential design › maxSeeds', `must be an integer in [minSeeds, 64], got ${d.maxSeeds}.`, 'The default is 8 (--max-seeds N).');
  return d;
}

export function designName(design: SequentialDesign = {}): string {
  const d = resolve(design);
  return `group-sequential, Lan-DeMets O'Brien-Fleming spending, alpha ${d.alpha}, looks at ${d.minSeeds}..${d.maxSeeds} seeds, non-binding futility below conditional power ${d.futilityPower}`;
}

/** Alpha spent up to `seeds` of `maxSeeds` (O'Brien-Fleming-type Lan-DeMets). */
export function alphaSpent(seeds: number, maxSeeds: number, alpha: number): number {
  const t = Math.min(1, seeds / maxSeeds);
  return 2 - 2 * normalCdf(normalQuantile(1 - alpha / 2) / Math.sqrt(t));
}

interface Boundaries {
  /** Nominal two-sided p threshold per look (index 0 = minSeeds). */
  readonly thresholds: readonly number[];
  /** Per simulated null path: p-value at each look, and the look it first crossed (or -1). */
  readonly pValues: readonly Float64Array[];
  readonly crossed: Int32Array;
}

const cache = new Map<string, Boundaries>();

/** Null paths of the paired t-test over 2..maxSeeds seeds, and the per-look thresholds that spend alpha as designed. */
function boundaries(d: Resolved): Boundaries {
  const key = `${d.alpha}/${d.minSeeds}/${d.maxSeeds}/${d.paths}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const looks = d.maxSeeds - d.minSeeds + 1;
  const rng = new Rng(20260417);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
  const pValues = Array.from({ length: looks }, () => new Float64Array(d.paths));
  for (let path = 0; path < d.paths; path++) {
    let sum = 0;
    let sumSq = 0;
    for (let n = 1; n <= d.maxSeeds; n++) {
      const x = gauss();
      sum += x;
      sumSq += x * x;
      if (n < d.minSeeds) continue;
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
      pValues[n - d.minSeeds][path] = tTwoSidedP(mean / (sd / Math.sqrt(n)), n - 1);
    }
  }
  const crossed = new Int32Array(d.paths).fill(-1);
  const thresholds: number[] = [];
  let rejected = 0;
  for (let k = 0; k < looks; k++) {
    const target = Math.round(alphaSpent(d.minSeeds + k, d.maxSeeds, d.alpha) * d.paths);
    const need = Math.max(0, target - rejected);
    const alive = [...pValues[k].keys()].filter((i) => crossed[i] < 0).sort((a, b) => pValues[k][a] - pValues[k][b]);
    // threshold between the need-th and the next surviving p, so exactly `need` paths cross here
    const threshold = need === 0 ? 0 : need >= alive.length ? 1 : (pValues[k][alive[need - 1]] + pValues[k][alive[need]]) / 2;
    for (let j = 0; j < need && j < alive.length; j++) crossed[alive[j]] = k;
    rejected += Math.min(need, alive.length);
    thresholds.push(threshold);
  }
  const result = { thresholds, pValues, crossed };
  cache.set(key, result);
  return result;
}

/** The nominal p threshold of the look at `seeds` seeds. */
export function sequentialThreshold(seeds: number, design: SequentialDesign = {}): number {
  const d = resolve(design);
  const k = Math.min(Math.max(seeds, d.minSeeds), d.maxSeeds) - d.minSeeds;
  return boundaries(d).thresholds[k];
}

/**
 * Stage-wise p-value of a look (the ordering by look, then by p): the null probability of
 * crossing at an earlier look, plus that of reaching this look and seeing a p at most as small.
 * Below alpha exactly when the design would decide; Holm runs on it like on a fixed-sample p.
 */
export function sequentialP(p: number, seeds: number, design: SequentialDesign = {}): number {
  const d = resolve(design);
  const k = Math.min(Math.max(seeds, d.minSeeds), d.maxSeeds) - d.minSeeds;
  const b = boundaries(d);
  let earlier = 0;
  let here = 0;
  for (let i = 0; i < d.paths; i++) {
    if (b.crossed[i] >= 0 && b.crossed[i] < k) earlier++;
    else if (b.pValues[k][i] <= p) here++;
  }
  return Math.min(1, (earlier + here) / d.paths);
}

export interface ClaimSeedDecision {
  readonly claim: string;
  readonly decision: SequentialRecord['decision'];
  readonly p: number | null;
  readonly sequentialP: number | null;
  /** Nominal p threshold of this look. */
  readonly threshold: number;
  /** Probability of deciding at maxSeeds if the true effect equals the current estimate. */
  readonly conditionalPower: number | null;
  readonly reason: string;
}

export interface StudySeedPlan {
  readonly study: string;
  readonly seeds: number;
  readonly decision: 'add seed' | 'stop';
  /** Seeds to run next (seeds + 1) when adding, else null. */
  readonly nextSeeds: number | null;
  readonly looks: number;
  readonly design: string;
  /** The design's two-sided level and last look, so the plan alone says how much alpha is spent. */
  readonly alpha: number;
  readonly maxSeeds: number;
  readonly claims: readonly ClaimSeedDecision[];
}

/** Conditional power at maxSeeds under the current effect estimate (normal approximation of the final test). */
function conditionalPower(effect: number, seedVariance: number, documentVariance: number, d: Resolved): number {
  const se = Math.sqrt(seedVariance / d.maxSeeds + documentVariance);
  if (!(se > 0)) return 1;
  const z = normalQuantile(1 - sequentialThreshold(d.maxSeeds, d) / 2);
  return normalCdf(Math.abs(effect) / se - z);
}

/**
 * Decides, per study, whether to add a seed: yes while any of its claims is undecided, its
 * gates pass and more seeds could still decide it; no when every claim is decided, futile,
 * in an invalid regime, or at maxSeeds. Pure: the caller runs the seeds and asks again.
 */
export function planSequentialSeeds(studies: readonly StudyDefinition[], records: readonly ResultRecord[], design: SequentialDesign = {}): StudySeedPlan[] {
  const d = resolve(design);
  return studies.map((study) => {
    const seeds = new Set(records.filter((r) => r.study === study.id).map((r) => r.seed)).size;
    const claims = (study.claims ?? []).map((claim): ClaimSeedDecision => {
      const j = judgeClaim(study, claim, records, { alpha: d.alpha });
      const threshold = sequentialThreshold(j.seeds, d);
      const base = { claim: claim.id, p: j.p, threshold };
      if (j.verdict === 'not run' && seeds >= d.minSeeds) return { ...base, sequentialP: null, conditionalPower: null, decision: 'futility', reason: `its arms have no paired records at ${seeds} seeds: more seeds will not measure it` };
      if (j.verdict === 'not run' || j.seeds < d.minSeeds) return { ...base, sequentialP: null, conditionalPower: null, decision: 'add seed', reason: `${j.seeds} seed(s): the first look is at ${d.minSeeds}` };
      if (j.verdict === 'invalid regime') return { ...base, sequentialP: null, conditionalPower: null, decision: 'futility', reason: j.reason };
      const e = j.paired!;
      const pSeq = j.p === null ? null : sequentialP(j.p, j.seeds, d);
      if (j.p !== null && j.p < threshold) return { ...base, sequentialP: pSeq, conditionalPower: null, decision: 'decided', reason: `p ${j.p.toPrecision(3)} below this look's boundary ${threshold.toPrecision(3)}` };
      if (j.seeds >= d.maxSeeds) return { ...base, sequentialP: pSeq, conditionalPower: null, decision: 'max seeds', reason: `${d.maxSeeds} seeds reached` };
      if (e.test === 'documents' || (e.deterministic && e.test === 'none')) return { ...base, sequentialP: pSeq, conditionalPower: null, decision: 'futility', reason: 'a seed-invariant metric: more seeds change nothing' };
      const power = conditionalPower(e.effect, Number.isFinite(e.seedVariance) ? e.seedVariance : 0, e.documentVariance, d);
      if (j.seeds >= 3 && power < d.futilityPower) return { ...base, sequentialP: pSeq, conditionalPower: power, decision: 'futility', reason: `conditional power at ${d.maxSeeds} seeds ${power.toPrecision(2)} < ${d.futilityPower}` };
      return { ...base, sequentialP: pSeq, conditionalPower: power, decision: 'add seed', reason: 'undecided, and more seeds could decide it' };
    });
    const add = seeds < d.maxSeeds && claims.some((c) => c.decision === 'add seed');
    return { study: study.id, seeds, decision: add ? 'add seed' : 'stop', nextSeeds: add ? seeds + 1 : null, looks: Math.max(0, Math.min(seeds, d.maxSeeds) - d.minSeeds + 1), design: designName(d), alpha: d.alpha, maxSeeds: d.maxSeeds, claims };
  });
}

/**
 * The per-study records `judgeReport` takes (options.sequential), so published verdicts use the
 * stage-wise p and carry the design and the number of looks. Only plans of the seeds the records
 * hold are meaningful: `labbench run --until-decided` writes the last round's (sequential.json).
 */
export function sequentialRecords(plans: readonly StudySeedPlan[]): Map<string, SequentialRecord & { sequentialP: Map<string, number> }> {
  return new Map(plans.map((plan) => {
    const stopped = plan.decision === 'stop';
    const decided = plan.claims.some((c) => c.decision === 'decided');
    const decision: SequentialRecord['decision'] = !stopped ? 'add seed' : plan.seeds >= plan.maxSeeds ? 'max seeds' : decided ? 'decided' : 'futility';
    const pSeq = new Map(plan.claims.flatMap((c) => (c.sequentialP === null ? [] : [[c.claim, c.sequentialP] as const])));
    return [plan.study, { design: plan.design, looks: Math.max(1, plan.looks), maxSeeds: plan.maxSeeds, alphaSpent: alphaSpent(plan.seeds, plan.maxSeeds, plan.alpha), decision, sequentialP: pSeq }];
  }));
}
