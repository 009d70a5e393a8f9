import type { GateSpec, StudyClaim, StudyDefinition } from './contracts/study.js';
import type { ProfileName } from './profiles.js';
import type { GateRecord, ResultRecord } from './results.js';
import type { GateResult, ReplicationEntry } from './schemas/replication.js';

/**
 * Validity gates: declared checks on measured values that say whether a regime can test a claim
 * at all (issue 16). Core adds defaults that follow from what a study declares, never from its
 * results, so a gate is fixed before a campaign runs.
 */

/** The perplexity evaluator's overall in-domain bits per byte; the reference arms report the same metric. */
export const REFERENCE_METRIC = { board: 'ppl', metric: 'id.all.bits_per_byte' } as const;
export const REFERENCE_ARMS = { unigram: 'ref-unigram', bigram: 'ref-bigram' } as const;
/** A language model that cannot beat an interpolated bigram by this much has not learned enough for an architecture claim. */
export const BIGRAM_MARGIN_BPB = 0.15;
/** A knock-out that costs less than this says the component barely matters in this regime. */
export const KNOCKOUT_MARGIN_BPB = 0.1;

const usesPerplexity = (study: StudyDefinition) => study.evaluators.some((e) => (typeof e === 'string' ? e : e.id) === 'perplexity');

/**
 * Core's default gates for a study: when it has reference rows (references not `false`) and runs
 * the perplexity evaluator, its reference arm (default: the baseline) beats `ref-bigram` by
 * 0.15 bits per byte; for each declared knock-out, the knocked-out arm costs at least 0.1 bits
 * per byte. A gate the study declares with the same id replaces the default.
 */
export function defaultGates(study: StudyDefinition): GateSpec[] {
  const gates: GateSpec[] = [];
  if (!usesPerplexity(study)) return gates;
  // the planner's reference source: references.arm, else the baseline, else the first arm with a model
  const hasModel = (arm: string) => arm in study.arms && (study.arms[arm].model ?? study.shared.model) !== 'none';
  const lm = study.references === false ? undefined : (study.references?.arm ?? study.baseline ?? Object.keys(study.arms).find(hasModel));
  if (lm !== undefined && hasModel(lm)) {
    gates.push({ id: 'beats-bigram', text: `${lm} beats the bigram reference by at least ${BIGRAM_MARGIN_BPB} bits per byte`, kind: 'margin', ...REFERENCE_METRIC, arm: lm, than: REFERENCE_ARMS.bigram, atLeast: BIGRAM_MARGIN_BPB });
  }
  for (const k of study.knockouts ?? []) {
    const source = k.arm ?? study.baseline;
    if (source === undefined) continue;
    gates.push({ id: `knockout-${k.component}-matters`, text: `knocking out ${k.component} costs ${source} at least ${KNOCKOUT_MARGIN_BPB} bits per byte`, kind: 'margin', ...REFERENCE_METRIC, arm: source, than: `knockout-${k.component}`, atLeast: KNOCKOUT_MARGIN_BPB });
  }
  return gates;
}

/** The study's gates with core's defaults added (the study's own win on an id clash). */
export function studyGates(study: StudyDefinition): GateSpec[] {
  const own = study.gates ?? [];
  const ids = new Set(own.map((g) => g.id));
  return [...own, ...defaultGates(study).filter((g) => !ids.has(g.id))];
}

/** The gates a claim needs: those it names, else all of the study's. Unknown names are reported, not skipped. */
export function claimGates(study: StudyDefinition, claim: StudyClaim): { gates: GateSpec[]; unknown: string[] } {
  const all = studyGates(study);
  if (claim.gates === undefined) return { gates: all, unknown: [] };
  const byId = new Map(all.map((g) => [g.id, g]));
  return { gates: claim.gates.flatMap((id) => byId.get(id) ?? []), unknown: claim.gates.filter((id) => !byId.has(id)) };
}

/** Mean over seeds of one arm's metric and its direction; undefined when there is no record. */
function armMean(study: string, board: string, metric: string, arm: string, records: readonly ResultRecord[]): { mean: number; direction: ResultRecord['direction'] } | undefined {
  const rows = records.filter((r) => r.study === study && r.board === board && r.metric === metric && r.arm === arm);
  if (rows.length === 0) return undefined;
  return { mean: rows.reduce((a, r) => a + r.value, 0) / rows.length, direction: rows[0].direction };
}

/**
 * Measures one gate. Margin: how much `arm` beats `than` in the metric's own direction (a
 * lower-is-better metric counts than - arm); a metric without a direction cannot be beaten, so
 * the gate is not measured. Bound: the arm's mean; a two-sided bound gives two results.
 */
export function evaluateGate(study: string, gate: GateSpec, records: readonly ResultRecord[]): GateResult[] {
  const own = armMean(study, gate.board, gate.metric, gate.arm, records);
  if (gate.kind === 'margin') {
    const other = armMean(study, gate.board, gate.metric, gate.than, records);
    const measured = own && other && own.direction !== 'none' ? (own.direction === 'higher' ? own.mean - other.mean : other.mean - own.mean) : null;
    return [{ gate: gate.id, text: gate.text, measured, threshold: gate.atLeast, comparison: '>=', passed: measured === null ? null : measured >= gate.atLeast }];
  }
  const measured = own ? own.mean : null;
  const sides: GateResult[] = [];
  const two = gate.atLeast !== undefined && gate.atMost !== undefined;
  if (gate.atLeast !== undefined) sides.push({ gate: two ? `${gate.id}.min` : gate.id, text: gate.text, measured, threshold: gate.atLeast, comparison: '>=', passed: measured === null ? null : measured >= gate.atLeast });
  if (gate.atMost !== undefined) sides.push({ gate: two ? `${gate.id}.max` : gate.id, text: gate.text, measured, threshold: gate.atMost, comparison: '<=', passed: measured === null ? null : measured <= gate.atMost });
  return sides;
}

/** The first failed (or unmeasured) gate as the reader sees it: `<gate>, measured X, needs >= Y`. */
export function gateFailure(results: readonly GateResult[], format: (x: number) => string = (x) => String(Number(x.toPrecision(4)))): string | undefined {
  const failed = results.find((g) => g.passed !== true);
  if (!failed) return undefined;
  const measured = failed.measured === null ? 'not measured' : `measured ${format(failed.measured)}`;
  return `${failed.gate}, ${measured}, needs ${failed.comparison} ${format(failed.threshold)}`;
}

/**
 * The gate lines of a run's results.jsonl: every gate of every judged claim, beside the claim's
 * raw verdict (a claim whose arms the run did not train keeps its gates, unmeasured or not).
 * `studies` are the definitions the entries were judged under (their versions are the records').
 */
export function gateRecords(entries: readonly ReplicationEntry[], studies: readonly StudyDefinition[], profile: ProfileName): GateRecord[] {
  const versions = new Map(studies.map((s) => [s.id, s.version]));
  return entries.flatMap((e) => {
    const studyVersion = versions.get(e.study);
    if (studyVersion === undefined) throw new Error(`gateRecords: claim ${e.study}/${e.claim} is of a study not among the definitions given`);
    return e.gates.map((g) => ({
      schema: 'labbench.gate/v1' as const,
      study: e.study,
      studyVersion,
      claim: e.claim,
      claimVerdict: e.verdict,
      seeds: e.seeds,
      profile,
      ...g,
    }));
  });
}
