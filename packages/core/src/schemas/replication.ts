import { BOARD_ID_PATTERN } from '../contracts/board.js';
import type { SchemaType } from './derive.js';

/**
 * leaderboards/replication.json: one entry per claim of every registered study, the machine-
 * readable twin of REPLICATION.md. Numbers a claim could not produce (not run, one seed) are null.
 * The types at the end are derived from the schema; fields are documented in its descriptions.
 */

export const VERDICTS = ['reproduced', 'not reproduced', 'inconclusive', 'invalid regime', 'not run'] as const;

/** How many of `verdicts` are each verdict, in VERDICTS order, verdicts that never occur left out (the report's and the page's counts). */
export function tallyVerdicts(verdicts: readonly string[]): [(typeof VERDICTS)[number], number][] {
  return VERDICTS.map((v) => [v, verdicts.filter((x) => x === v).length] as [(typeof VERDICTS)[number], number]).filter(([, n]) => n > 0);
}

/**
 * How the effect's interval and p-value were computed (docs/statistics.md): `seeds+documents`:
 * Student's t over per-seed effects plus a paired bootstrap over evaluation documents;
 * `documents`: a seed-invariant metric, the paired document bootstrap alone; `paired-t`: no
 * per-document values, the paired t-test over seeds; `none`: nothing to test (not run, one seed
 * without documents, a deterministic metric without documents).
 */
export const EFFECT_TESTS = ['seeds+documents', 'documents', 'paired-t', 'none'] as const;

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const idPattern = /^[a-z][a-z0-9.-]{0,63}$/.source;

/** One measured gate; also the body of a `labbench.gate/v1` line of results.jsonl (schemas.ts). */
export const gateSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'One validity gate of one claim, as measured.',
  required: ['gate', 'text', 'measured', 'threshold', 'comparison', 'passed'],
  properties: {
    gate: { type: 'string', minLength: 1, description: 'Gate id; a two-sided bound appears twice, as `<id>.min` and `<id>.max`.' },
    text: { type: 'string' },
    measured: {
      ...numOrNull,
      description: "Margin: how much `arm` beats `than` (direction-aware, on the metric's units); bound: the arm's mean. Null when not measured.",
    },
    threshold: num,
    comparison: { enum: ['>=', '<='], description: '`>=`: measured must be at least the threshold; `<=`: at most.' },
    passed: { type: ['boolean', 'null'], description: 'Null when the records to measure it are missing (the claim is then `invalid regime`).' },
  },
} as const;

const strOrNull = { type: ['string', 'null'] } as const;
const preregistrationSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    "The study's pre-registration (hash, commit, date) and whether the judged definition still matches it; absent when publish was given no registrations.",
  required: ['status', 'hash', 'commit', 'registeredAt', 'profile', 'registeredVersion', 'studyVersion', 'changes'],
  properties: {
    status: { enum: ['matches', 'changed', 'not pre-registered'] },
    hash: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
    commit: strOrNull,
    registeredAt: strOrNull,
    profile: strOrNull,
    registeredVersion: { type: ['integer', 'null'], minimum: 0 },
    studyVersion: { type: 'integer', minimum: 0 },
    changes: { type: 'array', items: { type: 'string' }, description: 'What differs from the registered plan (empty unless changed).' },
  },
} as const;

// A claim's facet filter as the claim wrote it: facet name -> one value or a list of allowed values.
const facetFilter = { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } } as const;

const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'paper',
    'plugin',
    'study',
    'claim',
    'text',
    'role',
    'board',
    'metric',
    'baselineMetric',
    'direction',
    'scale',
    'methodArm',
    'baselineArm',
    'methodMean',
    'baselineMean',
    'paperFigure',
    'effect',
    'interval',
    'ratio',
    'p',
    'pHolm',
    'verdict',
    'correctedVerdict',
    'reason',
    'seeds',
    'documents',
    'test',
    'mde',
    'snr',
    'gates',
    'sequential',
  ],
  properties: {
    paper: { type: 'string', minLength: 1, description: "Paper title (the plugin manifest's), or the study's own paper title." },
    plugin: { type: ['string', 'null'] },
    study: { type: 'string', pattern: idPattern },
    claim: { type: 'string', pattern: idPattern, description: 'Claim id, unique within the study.' },
    text: { type: 'string' },
    role: { enum: ['headline', 'secondary'] },
    board: { type: 'string', pattern: BOARD_ID_PATTERN.source },
    metric: { type: 'string', minLength: 1 },
    baselineMetric: { type: 'string', minLength: 1, description: "The baseline arm's metric (equals `metric` unless the claim compares two metrics)." },
    direction: { enum: ['higher', 'lower', 'none', null] },
    scale: { enum: ['linear', 'log'] },
    methodArm: { type: 'string' },
    baselineArm: { type: 'string' },
    methodMean: { ...numOrNull, description: "Mean over the paired seeds, on the metric's own scale." },
    baselineMean: numOrNull,
    paperFigure: {
      type: 'object',
      additionalProperties: false,
      required: ['figure', 'source'],
      properties: { figure: { type: 'string' }, source: { type: 'string' }, effect: num },
    },
    effect: { ...numOrNull, description: 'method - baseline (linear) or ln(method / baseline) (log), mean over seeds.' },
    interval: {
      description: '95% interval of `effect` [low, high] (on the log scale for log claims).',
      oneOf: [{ type: 'null' }, { type: 'array', items: num, minItems: 2, maxItems: 2 }],
    },
    ratio: {
      description: 'Log claims only: exp(effect) and exp(interval), a ratio interval that never crosses zero.',
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['value', 'low', 'high'],
          properties: { value: { type: 'number', exclusiveMinimum: 0 }, low: { type: 'number', minimum: 0 }, high: { type: 'number', exclusiveMinimum: 0 } },
        },
      ],
    },
    p: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    pHolm: {
      type: ['number', 'null'],
      minimum: 0,
      maximum: 1,
      description: "Holm-adjusted p within the claim's family (headline claims of the report, or secondary ones).",
    },
    verdict: { enum: VERDICTS },
    correctedVerdict: { enum: VERDICTS },
    reason: { type: 'string', description: 'One sentence: why this verdict (e.g. `invalid regime: beats-bigram, measured 0.02, needs >= 0.15`).' },
    facets: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'baseline'],
      description: "Claims on a faceted board: the facets that selected each arm's records (their mean per seed is the value).",
      properties: { method: facetFilter, baseline: facetFilter },
    },
    seeds: { type: 'integer', minimum: 0 },
    documents: { type: ['integer', 'null'], minimum: 1, description: 'Evaluation documents behind the document bootstrap; null without per-document values.' },
    test: { enum: EFFECT_TESTS, description: "How the effect's interval and p-value were computed (see EFFECT_TESTS)." },
    mde: {
      type: ['number', 'null'],
      minimum: 0,
      description: "Minimum detectable effect at 80% power and the report's alpha, on the effect's scale, for these seeds.",
    },
    snr: { type: ['number', 'null'], minimum: 0, description: "|effect| over the standard deviation of one seed's effect (seed and document noise)." },
    gates: { type: 'array', items: gateSchema },
    sequential: {
      description: 'The sequential-seeds design a verdict was reached under (`labbench run --until-decided`).',
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
            alphaSpent: { type: 'number', minimum: 0, maximum: 1, description: "Two-sided significance level this look's boundary spends up to." },
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
    alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Two-sided level of every test (before Holm).' },
    entries: { type: 'array', items: entrySchema },
    notRun: { type: 'array', items: { type: 'string' }, description: 'Registered studies with claims and no result records.' },
  },
} as const;

/** The whole file. */
export interface ReplicationFile extends SchemaType<typeof replicationSchema> {}
/** One claim's verdict. */
export type ReplicationEntry = ReplicationFile['entries'][number];
export type Verdict = ReplicationEntry['verdict'];
export type EffectTest = ReplicationEntry['test'];
/** One validity gate of one claim, as measured. */
export type GateResult = ReplicationEntry['gates'][number];
/** The sequential-seeds design a verdict was reached under. */
export type SequentialRecord = NonNullable<ReplicationEntry['sequential']>;
/** How the definition a report judges stands against its registration. */
export type PreregistrationState = NonNullable<ReplicationEntry['preregistration']>;
