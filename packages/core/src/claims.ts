import { isSeriesAggregate } from './document-series.js';
import { selectClaimRecords } from './claim-selection.js';
import type { StudyClaim, StudyDefinition } from './contracts/study.js';
import { ConfigError, DataError } from './errors.js';
import { claimGates, evaluateGate, gateFailure } from './gates.js';
import { minimumDetectableEffect, pairedEffect, signalToNoise, type PairedEffect, type SeedMeasurement } from './paired-effect.js';
import type { ResultRecord } from './results.js';
import type { GateResult, ReplicationEntry, SequentialRecord, Verdict } from './schemas/replication.js';
import { holmAdjust } from './stats.js';

/**
 * Verdicts of claims: the paired effect (paired-effect.ts), the claim's gates (gates.ts), a raw
 * verdict at level alpha and a Holm-corrected one within the claim's family (headline claims
 * of a report, or its secondary claims). The rule, as REPLICATION.md states it:
 *
 *   not run         no seed has both arms measured under this version of the study
 *   invalid regime  a gate failed or could not be measured: "<gate>, measured X, needs Y"
 *   reproduced      p < alpha and the effect lies on the claimed side (the metric's direction)
 *   not reproduced  p < alpha on the other side
 *   inconclusive    otherwise (including one seed, or a metric without direction)
 */

export interface JudgeOptions {
  /** Two-sided level (default 0.05). */
  readonly alpha?: number;
  /** Document bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** Per study: the sequential design its seeds were added under; its verdicts use the design's p. */
  readonly sequential?: ReadonlyMap<string, SequentialRecord & { readonly sequentialP?: ReadonlyMap<string, number> }>;
}

/** A claim judged on its own: everything of a ReplicationEntry except the report-level fields. */
export type ClaimJudgement = Omit<ReplicationEntry, 'paper' | 'plugin' | 'pHolm' | 'correctedVerdict'> & { readonly paired: PairedEffect | null };

const numbers = (x: unknown): readonly number[] | undefined => (Array.isArray(x) && x.every((v) => typeof v === 'number') ? (x as number[]) : undefined);

/** A record as a seed measurement, with its per-document values when it has them (details.perDocument). */
export function seedMeasurement(r: ResultRecord): SeedMeasurement {
  const perDocument = numbers(r.details?.perDocument);
  const perDocumentWeights = numbers(r.details?.perDocumentWeights);
  const ids = r.details?.documentIds;
  const documentIds = Array.isArray(ids) && ids.every((v) => typeof v === 'string' || typeof v === 'number') ? (ids as (string | number)[]) : undefined;
  if (r.details?.perDocument !== undefined && !perDocument) {
    throw new DataError(`study ${r.study}, arm ${r.arm}, seed ${r.seed}, metric ${r.metric} details.perDocument`, 'is not an array of numbers.', 'Write one number per evaluation document.');
  }
  const aggregate = r.details?.aggregate;
  if (aggregate !== undefined && !isSeriesAggregate(aggregate)) {
    throw new DataError(`study ${r.study}, arm ${r.arm}, seed ${r.seed}, metric ${r.metric} details.aggregate`, `is '${String(aggregate)}'.`, "Write 'weighted-mean' (the value is the documents' weighted mean) or 'exp-weighted-mean' (exp of it).");
  }
  return {
    seed: r.seed, value: r.value, ...(perDocument ? { perDocument } : {}), ...(perDocumentWeights ? { perDocumentWeights } : {}),
    ...(perDocument && aggregate ? { aggregate } : {}), ...(perDocument && documentIds ? { documentIds } : {}),
  };
}

const fmt = (x: number) => String(Number(x.toPrecision(3)));


/** Raw verdict from a p-value, the effect's sign and the metric's direction. */
export function verdictOf(p: number | null, effect: number | null, direction: ReplicationEntry['direction'], alpha: number): Verdict {
  if (p === null || effect === null || direction === null || direction === 'none' || !(p < alpha)) return 'inconclusive';
  const better = direction === 'higher' ? effect > 0 : effect < 0;
  return better ? 'reproduced' : 'not reproduced';
}

function reasonFor(verdict: Verdict, e: PairedEffect | null, direction: ReplicationEntry['direction'], mde: number | null, alpha: number): string {
  if (!e) return 'no seed has both arms measured';
  if (verdict === 'reproduced' || verdict === 'not reproduced') return `p < ${alpha}, effect on the ${verdict === 'reproduced' ? 'claimed' : 'opposite'} side`;
  if (direction === 'none' || direction === null) return 'the metric has no direction';
  if (e.test === 'none') {
    if (e.seeds < 2) return 'one seed: the seed variance is unknown';
    return e.deterministic ? 'a seed-invariant metric without per-document values: no interval' : 'identical per-seed effects without per-document values: no noise estimate';
  }
  const what = e.scale === 'log' ? '|log ratio|' : '|effect|';
  return `the interval includes 0${mde !== null ? `; detectable at 80% power: ${what} >= ${fmt(mde)}` : ''}`;
}

/** Judges one claim of one study from result records (raw verdict only; see judgeReport for Holm). */
export function judgeClaim(study: StudyDefinition, claim: StudyClaim, allRecords: readonly ResultRecord[], options: JudgeOptions = {}): ClaimJudgement {
  const alpha = options.alpha ?? 0.05;
  // a definition judges only records computed under it: records of another version of the study
  // (older arms, gates or code) are not evidence for this one
  const records = allRecords.filter((r) => r.study !== study.id || r.studyVersion === study.version);
  const otherVersions = [...new Set(allRecords.filter((r) => r.study === study.id && r.studyVersion !== study.version).map((r) => r.studyVersion))].sort((a, b) => a - b);
  const scale = claim.scale ?? 'linear';
  const baselineMetric = claim.baselineMetric ?? claim.metric;
  // a claim on a faceted board selects records by facet (claim-selection.ts); the baseline's facets default to the method's
  const baselineFacets = claim.baselineFacets ?? claim.facets;
  const methodRows = selectClaimRecords(records, { study: study.id, board: claim.board, arm: claim.method, metric: claim.metric, facets: claim.facets });
  const baselineRows = selectClaimRecords(records, { study: study.id, board: claim.board, arm: claim.baseline, metric: baselineMetric, facets: baselineFacets });
  const sameItems = baselineMetric === claim.metric && JSON.stringify(baselineFacets) === JSON.stringify(claim.facets);
  const { gates: specs, unknown } = claimGates(study, claim);
  if (unknown.length > 0) throw new ConfigError(`study ${study.id} › claims.${claim.id}.gates`, `names gate(s) ${unknown.join(', ')} that the study does not declare.`, `Declare them in the study's 'gates', or use core's defaults (${specs.map((g) => g.id).join(', ') || 'none apply'}).`);
  const gates: GateResult[] = specs.flatMap((g) => evaluateGate(study.id, g, records));
  const seeds = new Set(baselineRows.map((r) => r.seed));
  const paired = methodRows.some((r) => seeds.has(r.seed))
    ? pairedEffect(methodRows.map(seedMeasurement), baselineRows.map(seedMeasurement), { scale, alpha, resamples: options.resamples, where: `study ${study.id} › claim ${claim.id}`, pairDocuments: sameItems })
    : null;
  const direction = methodRows[0]?.direction ?? null;
  const paired_seeds = paired ? new Set(methodRows.filter((r) => seeds.has(r.seed)).map((r) => r.seed)) : new Set<number>();
  const mean = (rows: ResultRecord[]) => (paired_seeds.size ? rows.filter((r) => paired_seeds.has(r.seed)).reduce((a, r) => a + r.value, 0) / paired_seeds.size : null);
  const mde = paired ? minimumDetectableEffect(paired, { alpha }) : null;
  const sequential = options.sequential?.get(study.id);
  const p = paired?.p === null || paired?.p === undefined ? null : (sequential?.sequentialP?.get(claim.id) ?? paired.p);

  let verdict: Verdict;
  let reason: string;
  const failure = gateFailure(gates, fmt);
  if (!paired) {
    verdict = 'not run';
    reason = otherVersions.length > 0
      ? `the records are of study version ${otherVersions.map((v) => `v${v}`).join(', ')}, and its definition is now v${study.version}: rerun the study`
      : reasonFor(verdict, null, direction, null, alpha);
  }
  else if (failure) { verdict = 'invalid regime'; reason = `invalid regime: ${failure}`; }
  else { verdict = verdictOf(p, paired.effect, direction, alpha); reason = reasonFor(verdict, paired, direction, mde, alpha); }
  // a sequential design that stopped before it decided (its plan still says "add seed": a failed
  // cell, an interrupted run) decides nothing: its stage-wise p is below alpha exactly when the
  // design decides only at the last look
  if (sequential?.decision === 'add seed' && (verdict === 'reproduced' || verdict === 'not reproduced')) {
    verdict = 'inconclusive';
    reason = `the sequential design had not decided at ${paired?.seeds ?? 0} of up to ${sequential.maxSeeds} seeds (its plan says: add a seed): rerun labbench run --until-decided to go on`;
  }
  const interval = paired?.interval ?? null;
  return {
    study: study.id, claim: claim.id, text: claim.text, role: claim.role, board: claim.board as ReplicationEntry['board'], metric: claim.metric, baselineMetric, direction, scale,
    ...(claim.facets || baselineFacets ? { facets: { method: claim.facets ?? {}, baseline: baselineFacets ?? {} } } : {}),
    methodArm: claim.method, baselineArm: claim.baseline, methodMean: mean(methodRows), baselineMean: mean(baselineRows),
    paperFigure: claim.paper, effect: paired?.effect ?? null, interval,
    ratio: scale === 'log' && paired && interval ? { value: Math.exp(paired.effect), low: Math.exp(interval[0]), high: Math.exp(interval[1]) } : null,
    p, verdict, reason, seeds: paired?.seeds ?? 0, documents: paired?.documents ?? null, test: paired?.test ?? 'none',
    mde, snr: paired ? signalToNoise(paired) : null, gates, sequential: sequential ? { design: sequential.design, looks: sequential.looks, maxSeeds: sequential.maxSeeds, alphaSpent: sequential.alphaSpent, decision: sequential.decision } : null,
    paired,
  };
}

export interface ReportStudy {
  readonly study: StudyDefinition;
  /** The paper's title (the plugin manifest's, else the study's). */
  readonly paper: string;
  readonly plugin: string | null;
}

/**
 * Judges every claim of every study and corrects within two families: the headline claims of
 * the whole report (one per paper) and, separately, the secondary claims. Only claims with a p
 * are in a family; a claim in an invalid regime stays in it (its test was planned; dropping it
 * after seeing the gate would make the correction depend on results).
 */
export function judgeReport(studies: readonly ReportStudy[], records: readonly ResultRecord[], options: JudgeOptions = {}): ReplicationEntry[] {
  const alpha = options.alpha ?? 0.05;
  const judged = studies.flatMap(({ study, paper, plugin }) => (study.claims ?? []).map((claim) => ({ paper, plugin, j: judgeClaim(study, claim, records, options) })));
  const adjusted = new Map<number, number>();
  for (const role of ['headline', 'secondary'] as const) {
    const family = judged.map((x, i) => ({ i, p: x.j.p })).filter(({ i, p }) => judged[i].j.role === role && p !== null) as { i: number; p: number }[];
    holmAdjust(family.map((f) => f.p)).forEach((q, k) => adjusted.set(family[k].i, q));
  }
  return judged.map(({ paper, plugin, j }, i) => {
    const { paired: _paired, ...entry } = j;
    const pHolm = adjusted.get(i) ?? null;
    const testable = j.verdict === 'reproduced' || j.verdict === 'not reproduced' || j.verdict === 'inconclusive';
    const correctedVerdict = testable ? verdictOf(pHolm, j.effect, j.direction, alpha) : j.verdict;
    return { paper, plugin, ...entry, pHolm, correctedVerdict };
  });
}
