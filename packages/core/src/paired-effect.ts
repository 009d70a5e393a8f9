import type { SeriesAggregate } from './document-series.js';
import { DataError } from './errors.js';
import { Rng } from './random.js';
import { tQuantile, tTwoSidedP } from './stats.js';

/**
 * The paired effect of a method arm over a baseline arm, with an interval that carries both
 * sources of noise a verdict has: seeds and evaluation documents. The model, its reasons and its
 * limits are in docs/statistics.md; in short:
 *
 *   per-seed effect  d_s = M_s - B_s            (linear)   or ln(M_s / B_s) (log scale)
 *   effect           mean_s d_s
 *   seed variance    s^2 / S                     (s^2: sample variance of d_s; S - 1 df)
 *   document var.    variance of the effect over a paired bootstrap of documents: the same
 *                    resampled documents for both arms and every seed (the evaluation set is
 *                    shared, so its sampling error is shared too)
 *   interval         effect +- sqrt(t_{S-1}^2 * s^2/S + t_{D-1}^2 * V_doc)   (Banerjee 1960)
 *   p                the alpha at which that interval just touches 0
 *
 * A percentile bootstrap over 2-3 seeds would be far too narrow (two seeds have three distinct
 * resamples), which is why the seed level is analytic and only the document level is resampled.
 * Banerjee's combination, each part with its own t quantile, is never anticonservative for this
 * two-variance problem (Behrens-Fisher); Welch-Satterthwaite degrees of freedom are, when one
 * part has 1-2 degrees of freedom: an A/A test with 2 seeds came out decided 12% of the time.
 */

/** One seed's measurement of one arm. */
export interface SeedMeasurement {
  readonly seed: number;
  /** The metric's value (a mean or ratio of `perDocument`, when given). */
  readonly value: number;
  /** One value per evaluation document, the same documents in the same order for every arm and seed. */
  readonly perDocument?: readonly number[];
  /** Weights of a weighted mean (bytes, tokens), one per document. */
  readonly perDocumentWeights?: readonly number[];
  /** Which document each value is (details.documentIds), when the evaluator says: checked equal across seeds and paired arms. */
  readonly documentIds?: readonly (string | number)[];
  /**
   * How `value` is made from the documents (details.aggregate): their weighted mean (default), or
   * exp of it (perplexity from per-document mean losses).
   */
  readonly aggregate?: SeriesAggregate;
}

export interface PairedEffectOptions {
  readonly scale?: 'linear' | 'log';
  /** Two-sided level of the interval and test (default 0.05). */
  readonly alpha?: number;
  /** Document bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** Seed of the resampling; the same inputs and seed give the same interval (default 0). */
  readonly seed?: number;
  /** Where the data comes from, for error messages. */
  readonly where?: string;
  /**
   * The two arms score the same documents in the same order (default): one resample of indices
   * serves both. False for claims comparing two metrics on different item sets: each arm's
   * documents are resampled on their own.
   */
  readonly pairDocuments?: boolean;
}

export interface PairedEffect {
  readonly scale: 'linear' | 'log';
  /** Mean over seeds of the per-seed effect (difference or log ratio). */
  readonly effect: number;
  readonly seedEffects: readonly number[];
  readonly seeds: number;
  readonly documents: number | null;
  /** Every seed gave the same value on both arms (a tokenizer statistic, say): no seed noise. */
  readonly deterministic: boolean;
  /** Sample variance of the per-seed effects (NaN with one seed). */
  readonly seedVariance: number;
  /** Variance of the effect over the document bootstrap (0 without documents). */
  readonly documentVariance: number;
  /** Standard error of the effect; NaN when it cannot be estimated. */
  readonly se: number;
  /** Degrees of freedom of the seed part (S - 1) and the document part (D - 1). */
  readonly dfSeeds: number;
  readonly dfDocuments: number;
  readonly interval: readonly [number, number] | null;
  readonly p: number | null;
  readonly test: 'seeds+documents' | 'documents' | 'paired-t' | 'none';
}

/** Weighted mean of the chosen document indices. */
function documentMean(values: readonly number[], weights: readonly number[] | undefined, indices: Int32Array): number {
  let sum = 0;
  let total = 0;
  for (let k = 0; k < indices.length; k++) {
    const w = weights ? weights[indices[k]] : 1;
    sum += w * values[indices[k]];
    total += w;
  }
  return sum / total;
}

/** Document count of one arm's records (all seeds alike), or null when some record has none. */
function checkDocuments(side: readonly SeedMeasurement[], where: string): number | null {
  if (side.some((m) => m.perDocument === undefined)) return null; // fall back to seeds only
  const d = side[0].perDocument!.length;
  for (const m of side) {
    if (m.perDocument!.length !== d || d === 0) {
      throw new DataError(`${where} seed ${m.seed} details.perDocument`, `${m.perDocument!.length} documents where another seed of the arm has ${d}.`, 'Every seed of a study must score the same evaluation documents in the same order.');
    }
    if (m.perDocument!.some((v) => !Number.isFinite(v))) throw new DataError(`${where} seed ${m.seed} details.perDocument`, 'holds a value that is not a finite number.', 'Fix the evaluator that wrote it.');
    const w = m.perDocumentWeights;
    if (w && (w.length !== d || w.some((x) => !(x >= 0)) || w.reduce((a, b) => a + b, 0) <= 0)) {
      throw new DataError(`${where} seed ${m.seed} details.perDocumentWeights`, `needs ${d} non-negative weights with a positive sum, got ${w.length}.`, 'Write one weight (bytes or tokens) per document.');
    }
    if (!sameDocuments(m, side[0])) {
      throw new DataError(`${where} seed ${m.seed} details.documentIds`, `names other documents than seed ${side[0].seed} (same count, ${d}).`, 'Every seed of a study must score the same evaluation documents in the same order.');
    }
  }
  return d;
}

/** Whether two measurements name the same documents in the same order (true when either does not say). */
function sameDocuments(a: SeedMeasurement, b: SeedMeasurement): boolean {
  if (!a.documentIds || !b.documentIds) return true;
  return a.documentIds.length === b.documentIds.length && a.documentIds.every((id, i) => id === b.documentIds![i]);
}

/** Duplicate seeds would count one seed twice (a claim that selects records too loosely): a DataError. */
function checkSeeds(side: readonly SeedMeasurement[], where: string): void {
  const seen = new Set<number>();
  for (const m of side) {
    if (seen.has(m.seed)) throw new DataError(`${where} seed ${m.seed}`, 'has more than one record for this claim.', 'Select one record per seed (facets on a faceted board).');
    seen.add(m.seed);
  }
}

/**
 * Seed-invariant: every seed gave the same value and, when recorded, the same per-document values
 * (equal means alone can hide different items: two accuracies of 0.8 on different questions).
 */
const seedInvariant = (xs: readonly SeedMeasurement[]) => xs.every((m) =>
  Math.abs(m.value - xs[0].value) <= 1e-12 * Math.max(1, Math.abs(xs[0].value)) &&
  (m.perDocument === undefined || xs[0].perDocument === undefined || (m.perDocument.length === xs[0].perDocument.length && m.perDocument.every((v, i) => v === xs[0].perDocument![i]))));

function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/**
 * Paired effect of `method` over `baseline`: measurements are matched by seed (only seeds both
 * arms have count). Throws a DataError on misaligned per-document values or, on the log scale,
 * non-positive values.
 */
export function pairedEffect(method: readonly SeedMeasurement[], baseline: readonly SeedMeasurement[], options: PairedEffectOptions = {}): PairedEffect {
  const scale = options.scale ?? 'linear';
  const alpha = options.alpha ?? 0.05;
  const where = options.where ?? 'pairedEffect';
  checkSeeds(method, `${where} (method)`);
  checkSeeds(baseline, `${where} (baseline)`);
  const bySeed = new Map(baseline.map((b) => [b.seed, b]));
  const pairs = method.filter((m) => bySeed.has(m.seed)).sort((a, b) => a.seed - b.seed).map((m) => ({ m, b: bySeed.get(m.seed)! }));
  const S = pairs.length;
  if (S === 0) throw new DataError(where, 'no seed has both arms measured.', 'Run both arms at the same seeds.');
  const ms = pairs.map((p) => p.m);
  const bs = pairs.map((p) => p.b);
  if (scale === 'log' && [...ms, ...bs].some((x) => !(x.value > 0))) {
    throw new DataError(where, 'a log-scale claim needs positive values on both arms.', "Use scale 'linear' for metrics that can be zero or negative.");
  }
  const contrast = scale === 'log' ? (x: number, y: number) => Math.log(x / y) : (x: number, y: number) => x - y;
  const seedEffects = pairs.map(({ m, b }) => contrast(m.value, b.value));
  const effect = seedEffects.reduce((a, b) => a + b, 0) / S;
  const deterministic = S >= 2 && seedInvariant(ms) && seedInvariant(bs);
  const seedVariance = deterministic ? 0 : sampleVariance(seedEffects);
  const dm = checkDocuments(ms, `${where} (method)`);
  const db = checkDocuments(bs, `${where} (baseline)`);
  const paired = options.pairDocuments ?? true;
  if (paired && dm !== null && db !== null && (dm !== db || !sameDocuments(ms[0], bs[0]))) {
    throw new DataError(`${where} details.perDocument`, dm !== db ? `the method scores ${dm} documents and the baseline ${db}.` : 'the method and the baseline name other documents (details.documentIds).', 'Both arms of a claim on one metric must score the same evaluation documents in the same order.');
  }
  const D = dm === null || db === null ? null : Math.min(dm, db);
  const documentVariance = D === null ? 0 : documentBootstrapVariance(pairs, paired, scale, options.resamples ?? 1000, options.seed ?? 0);
  const base = { scale, effect, seedEffects, seeds: S, documents: D, deterministic, seedVariance, documentVariance };

  // Seed noise unknown (one seed of a seed-dependent metric), or no noise estimate at all.
  const seedKnown = deterministic || S >= 2;
  const vSeed = deterministic ? 0 : seedVariance / S;
  const variance = vSeed + documentVariance;
  if (!seedKnown || !(variance > 0)) {
    return { ...base, se: Number.NaN, dfSeeds: Number.NaN, dfDocuments: Number.NaN, interval: null, p: null, test: 'none' };
  }
  const parts: Parts = { vSeed, dfSeeds: S - 1, vDoc: documentVariance, dfDocuments: D === null ? Number.NaN : D - 1 };
  const half = halfWidth(parts, 1 - alpha / 2);
  const test = D === null ? 'paired-t' : deterministic ? 'documents' : 'seeds+documents';
  return { ...base, se: Math.sqrt(variance), dfSeeds: parts.dfSeeds, dfDocuments: parts.dfDocuments, interval: [effect - half, effect + half], p: bisectP(parts, effect), test };
}

interface Parts { readonly vSeed: number; readonly dfSeeds: number; readonly vDoc: number; readonly dfDocuments: number }

/** sqrt(t_{S-1}(q)^2 vSeed + t_{D-1}(q)^2 vDoc); a part with zero variance drops out. */
function halfWidth(p: Parts, q: number): number {
  const seed = p.vSeed > 0 ? tQuantile(q, p.dfSeeds) ** 2 * p.vSeed : 0;
  const doc = p.vDoc > 0 ? tQuantile(q, p.dfDocuments) ** 2 * p.vDoc : 0;
  return Math.sqrt(seed + doc);
}

/**
 * Two-sided p: the alpha at which the interval's half-width equals |effect|. With one part it is
 * the t-test's p exactly; otherwise found by bisection (the half-width falls as alpha grows).
 */
function bisectP(p: Parts, effect: number): number {
  const size = Math.abs(effect);
  if (p.vSeed > 0 && !(p.vDoc > 0)) return tTwoSidedP(size / Math.sqrt(p.vSeed), p.dfSeeds);
  if (p.vDoc > 0 && !(p.vSeed > 0)) return tTwoSidedP(size / Math.sqrt(p.vDoc), p.dfDocuments);
  if (size === 0) return 1;
  const rejects = (alpha: number) => halfWidth(p, 1 - alpha / 2) <= size;
  let lo = -300 * Math.LN10; // log alpha: below ~1e-16 the quantile is infinite, so this never rejects
  let hi = 0; // alpha 1: a zero-width interval, always rejects
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (rejects(Math.exp(mid))) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
}

/**
 * Variance of the mean-over-seeds effect when the evaluation documents are resampled with
 * replacement: one set of indices per resample, shared by every seed and, when paired, by both
 * arms (otherwise each arm's documents get their own indices).
 * A resampled arm value moves with its document mean and keeps its own level (resampledValue):
 * for a weighted mean, value + (mean* - mean) on the linear scale and value * mean* / mean on the
 * log scale; for exp of a weighted mean (perplexity from mean losses), value * exp(mean* - mean) on
 * either scale. (Until 2026-12-03 the exp case was scaled by mean* / mean as well, which shrank a
 * perplexity effect's document noise by the mean loss: its variance 16-50x too small.)
 */
function documentBootstrapVariance(pairs: readonly { m: SeedMeasurement; b: SeedMeasurement }[], paired: boolean, scale: 'linear' | 'log', resamples: number, seed: number): number {
  const dm = pairs[0].m.perDocument!.length;
  const db = pairs[0].b.perDocument!.length;
  const everyIndex = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  const full = pairs.map(({ m, b }) => [documentMean(m.perDocument!, m.perDocumentWeights, everyIndex(dm)), documentMean(b.perDocument!, b.perDocumentWeights, everyIndex(db))]);
  const rng = new Rng(seed);
  const im = new Int32Array(dm);
  const ib = paired ? im : new Int32Array(db);
  const replicates: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < dm; k++) im[k] = rng.int(0, dm - 1);
    if (!paired) for (let k = 0; k < db; k++) ib[k] = rng.int(0, db - 1);
    let sum = 0;
    let ok = true;
    pairs.forEach(({ m, b }, s) => {
      const mStar = documentMean(m.perDocument!, m.perDocumentWeights, im);
      const bStar = documentMean(b.perDocument!, b.perDocumentWeights, ib);
      const mv = resampledValue(m, mStar, full[s][0], scale);
      const bv = resampledValue(b, bStar, full[s][1], scale);
      if (scale === 'log') {
        if (!(mv > 0 && bv > 0)) ok = false;
        else sum += Math.log(mv / bv);
      } else {
        sum += mv - bv;
      }
    });
    if (ok && Number.isFinite(sum)) replicates.push(sum / pairs.length);
  }
  // the bootstrap variance of a mean is the plug-in variance (divisor D) over D; scaled by D / (D - 1)
  // it is the sample variance over D that the t quantile on D - 1 degrees of freedom expects, so a
  // document-only claim is the paired t-test over documents (without it, p 0.048 where scipy's
  // ttest_rel gives 0.052 at 28 documents)
  const d = Math.min(dm, db);
  return replicates.length >= 2 && d >= 2 ? (sampleVariance(replicates) * d) / (d - 1) : 0;
}

/** An arm's value when its document mean moves from `mean` to `resampled` (see documentBootstrapVariance). */
function resampledValue(m: SeedMeasurement, resampled: number, mean: number, scale: 'linear' | 'log'): number {
  if (m.aggregate === 'exp-weighted-mean') return m.value * Math.exp(resampled - mean);
  return scale === 'log' ? m.value * (resampled / mean) : m.value + (resampled - mean);
}

/**
 * Minimum detectable effect: the smallest true effect a two-sided level-`alpha` test detects
 * with probability `power`, given the measured variance: (t_{1-alpha/2} + t_{power}) * se with
 * one noise part, and the same sum of Banerjee half-widths with two.
 * With `seeds`, the seed part of the variance is rescaled to that many seeds (the document part
 * does not shrink: every seed scores the same documents), so a planner can ask whether more
 * seeds could decide a claim.
 */
export function minimumDetectableEffect(e: PairedEffect, options: { alpha?: number; power?: number; seeds?: number } = {}): number | null {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  const S = options.seeds ?? e.seeds;
  if (e.test === 'none' || S < 1) return null;
  const vSeed = e.deterministic ? 0 : e.seedVariance / S;
  if (!(vSeed + e.documentVariance > 0)) return null;
  // Degrees of freedom stay those of the measured variances (assuming more seeds does not improve the estimate).
  const parts: Parts = { vSeed, dfSeeds: e.dfSeeds, vDoc: e.documentVariance, dfDocuments: e.dfDocuments };
  return halfWidth(parts, 1 - alpha / 2) + halfWidth(parts, power);
}

/** |effect| over the standard deviation of one seed's effect (seed and document noise); null without a noise estimate. */
export function signalToNoise(e: PairedEffect): number | null {
  const seedPart = e.deterministic ? 0 : e.seedVariance;
  const noise = Math.sqrt((Number.isFinite(seedPart) ? seedPart : 0) + e.documentVariance);
  if (e.test === 'none' || !(noise > 0)) return null;
  return Math.abs(e.effect) / noise;
}
