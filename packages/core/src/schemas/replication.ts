import { BOARD_ID_PATTERN } from '../contracts/board.js';
import type { Board } from '../contracts/evaluator.js';
import type { PaperFigure } from '../contracts/study.js';
import type { PreregistrationState } from '../preregistration.js';

/**
 * leaderboards/replication.json: one entry per claim of every registered study, the machine-
 * readable twin of REPLICATION.md. Numbers a claim could not produce (not run, one seed) are null.
 */

export type Verdict = 'reproduced' | 'not reproduced' | 'inconclusive' | 'invalid regime' | 'not run';
export const VERDICTS = ['reproduced', 'not reproduced', 'inconclusive', 'invalid regime', 'not run'] as const satisfies readonly Verdict[];

/** How the effect's interval and p-value were computed (docs/statistics.md). */
export type EffectTest =
  /** Seeds (Student's t over per-seed effects) plus a paired bootstrap over evaluation documents. */
  | 'seeds+documents'
  /** A seed-invariant metric: the paired document bootstrap alone. */
  | 'documents'
  /** No per-document values: the paired t-test over seeds. */
  | 'paired-t'
  /** Nothing to test (not run, one seed without documents, a deterministic metric without documents). */
  | 'none';

/** One validity gate of one claim, as measured. */
export interface GateResult {
  /** Gate id; a two-sided bound appears twice, as `<id>.min` and `<id>.max`. */
  readonly gate: string;
  readonly text: string;
  /** Margin: how much `arm` beats `than` (direction-aware, on the metric's units); bound: the arm's mean. Null when not measured. */
  readonly measured: number | null;
  readonly threshold: number;
  /** `>=`: measured must be at least the threshold; `<=`: at most. */
  readonly comparison: '>=' | '<=';
  /** Null when the records to measure it are missing (the claim is then `invalid regime`). */
  readonly passed: boolean | null;
}

/** The sequential-seeds design a verdict was reached under (`labbench run --until-decided`). */
export interface SequentialRecord {
  readonly design: string;
  readonly looks: number;
  readonly maxSeeds: number;
  /** Two-sided significance level this look's boundary spends up to. */
  readonly alphaSpent: number;
  readonly decision: 'add seed' | 'decided' | 'futility' | 'max seeds';
}

export interface ReplicationEntry {
  /** Paper title (the plugin manifest's), or the study's own paper title. */
  readonly paper: string;
  readonly plugin: string | null;
  readonly study: string;
  /** Claim id, unique within the study. */
  readonly claim: string;
  readonly text: string;
  readonly role: 'headline' | 'secondary';
  readonly board: Board;
  readonly metric: string;
  /** The baseline arm's metric (equals `metric` unless the claim compares two metrics). */
  readonly baselineMetric: string;
  readonly direction: 'higher' | 'lower' | 'none' | null;
  readonly scale: 'linear' | 'log';
  readonly methodArm: string;
  readonly baselineArm: string;
  /** Means over the paired seeds, on the metric's own scale. */
  readonly methodMean: number | null;
  readonly baselineMean: number | null;
  readonly paperFigure: PaperFigure;
  /** method - baseline (linear) or ln(method / baseline) (log), mean over seeds. */
  readonly effect: number | null;
  /** 95% interval of `effect` (on the log scale for log claims). */
  readonly interval: readonly [number, number] | null;
  /** Log claims only: exp(effect) and exp(interval), a ratio interval that never crosses zero. */
  readonly ratio: { readonly value: number; readonly low: number; readonly high: number } | null;
  readonly p: number | null;
  /** Holm-adjusted p within the claim's family (headline claims of the report, or secondary ones). */
  readonly pHolm: number | null;
  readonly verdict: Verdict;
  readonly correctedVerdict: Verdict;
  /** One sentence: why this verdict (e.g. `invalid regime: beats-bigram, measured 0.02, needs >= 0.15`). */
  readonly reason: string;
  /** Claims on a faceted board: the facets that selected each arm's records (their mean per seed is the value). */
  readonly facets?: { readonly method: Readonly<Record<string, string | readonly string[]>>; readonly baseline: Readonly<Record<string, string | readonly string[]>> };
  readonly seeds: number;
  /** Evaluation documents behind the document bootstrap; null without per-document values. */
  readonly documents: number | null;
  readonly test: EffectTest;
  /** Minimum detectable effect at 80% power and the report's alpha, on the effect's scale, for these seeds. */
  readonly mde: number | null;
  /** |effect| over the standard deviation of one seed's effect (seed and document noise). */
  readonly snr: number | null;
  readonly gates: readonly GateResult[];
  readonly sequential: SequentialRecord | null;
  /** The study's pre-registration (hash, commit, date) and whether the judged definition still matches it; absent when publish was given no registrations. */
  readonly preregistration?: PreregistrationState;
}

/** The whole file. */
export interface ReplicationFile {
  readonly schema: 'labbench.replication/v1';
  readonly generated: string;
  readonly profiles: readonly string[];
  /** Two-sided level of every test (before Holm). */
  readonly alpha: number;
  readonly entries: readonly ReplicationEntry[];
  /** Registered studies with no result records. */
  readonly notRun: readonly string[];
}

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const idPattern = /^[a-z][a-z0-9.-]{0,63}$/.source;

const gateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['gate', 'text', 'measured', 'threshold', 'comparison', 'passed'],
  properties: {
    gate: { type: 'string', minLength: 1 },
    text: { type: 'string' },
    measured: numOrNull,
    threshold: num,
    comparison: { enum: ['>=', '<='] },
    passed: { type: ['boolean', 'null'] },
  },
} as const;

const strOrNull = { type: ['string', 'null'] } as const;
const preregistrationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'hash', 'commit', 'registeredAt', 'profile', 'registeredVersion', 'studyVersion', 'changes'],
  properties: {
    status: { enum: ['matches', 'changed', 'not pre-registered'] },
    hash: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
    commit: strOrNull,
    registeredAt: strOrNull,
    profile: strOrNull,
    registeredVersion: { type: ['integer', 'null'], minimum: 0 },
    studyVersion: { type: 'integer', minimum: 0 },
    changes: { type: 'array', items: { type: 'string' } },
  },
} as const;

const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['paper', 'plugin', 'study', 'claim', 'text', 'role', 'board', 'metric', 'baselineMetric', 'direction', 'scale', 'methodArm', 'baselineArm', 'methodMean', 'baselineMean', 'paperFigure', 'effect', 'interval', 'ratio', 'p', 'pHolm', 'verdict', 'correctedVerdict', 'reason', 'seeds', 'documents', 'test', 'mde', 'snr', 'gates', 'sequential'],
  properties: {
    paper: { type: 'string', minLength: 1 },
    plugin: { type: ['string', 'null'] },
    study: { type: 'string', pattern: idPattern },
    claim: { type: 'string', pattern: idPattern },
    text: { type: 'string' },
    role: { enum: ['headline', 'secondary'] },
    board: { type: 'string', pattern: BOARD_ID_PATTERN.source },
    metric: { type: 'string', minLength: 1 },
    baselineMetric: { type: 'string', minLength: 1 },
    direction: { enum: ['higher', 'lower', 'none', null] },
    scale: { enum: ['linear', 'log'] },
    methodArm: { type: 'string' },
    baselineArm: { type: 'string' },
    methodMean: numOrNull,
    baselineMean: numOrNull,
    paperFigure: {
      type: 'object',
      additionalProperties: false,
      required: ['figure', 'source'],
      properties: { figure: { type: 'string' }, source: { type: 'string' }, effect: num },
    },
    effect: numOrNull,
    interval: { oneOf: [{ type: 'null' }, { type: 'array', items: num, minItems: 2, maxItems: 2 }] },
    ratio: {
      oneOf: [
        { type: 'null' },
        { type: 'object', additionalProperties: false, required: ['value', 'low', 'high'], properties: { value: { type: 'number', exclusiveMinimum: 0 }, low: { type: 'number', minimum: 0 }, high: { type: 'number', exclusiveMinimum: 0 } } },
      ],
    },
    p: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    pHolm: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    verdict: { enum: VERDICTS },
    correctedVerdict: { enum: VERDICTS },
    reason: { type: 'string' },
    facets: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'baseline'],
      properties: { method: { type: 'object', additionalProperties: { type: ['string', 'array'] } }, baseline: { type: 'object', additionalProperties: { type: ['string', 'array'] } } },
    },
    seeds: { type: 'integer', minimum: 0 },
    documents: { type: ['integer', 'null'], minimum: 1 },
    test: { enum: ['seeds+documents', 'documents', 'paired-t', 'none'] },
    mde: { type: ['number', 'null'], minimum: 0 },
    snr: { type: ['number', 'null'], minimum: 0 },
    gates: { type: 'array', items: gateSchema },
    sequential: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['design', 'looks', 'maxSeeds', 'alphaSpent', 'decision'],
          properties: {
            design: { type: 'string' },
            looks: { type: 'integer', minimum: 1 },
            maxSeeds: { type: 'integer', minimum: 1 },
            alphaSpent: { type: 'number', minimum: 0, maximum: 1 },
            decision: { enum: ['add seed', 'decided', 'futility', 'max seeds'] },
          },
        },
      ],
    },
    preregistration: preregistrationSchema,
  },
} as const;

export const replicationSchema = {
  $schema: DIALECT,
  $id: 'https://labbench.dev/schemas/replication.json',
  title: 'labbench replication verdicts (leaderboards/replication.json)',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'generated', 'profiles', 'alpha', 'entries', 'notRun'],
  properties: {
    schema: { const: 'labbench.replication/v1' },
    generated: { type: 'string' },
    profiles: { type: 'array', items: { type: 'string' } },
    alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    entries: { type: 'array', items: entrySchema },
    notRun: { type: 'array', items: { type: 'string' } },
  },
} as const;
