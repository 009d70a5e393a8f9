import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { BOARD_ID_PATTERN } from './contracts/board.js';
import { ConfigError } from './errors.js';
import { PROFILE_NAMES } from './profiles.js';
import type { SchemaType } from './schemas/derive.js';
import { trainingLineSchema } from './schemas/training.js';
import { VERDICTS, gateSchema as measuredGateSchema, replicationSchema } from './schemas/replication.js';
import { cachedValidator } from './schemas/validator-cache.js';

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const id = /^[a-z][a-z0-9.-]{0,63}$/.source;
const configObject = { type: 'object' } as const;
// boards are registered by plugins: the schema checks a safe id, the run and publish that it is registered
const board = { type: 'string', pattern: BOARD_ID_PATTERN.source } as const;

// Field documentation lives in `description`s: the TypeScript types are derived from these
// schemas (SchemaType), and editors show the descriptions when a JSON file names its schema.
const armProperties = {
  model: { type: 'string', pattern: id, description: 'Model factory id; `none` for arms that only train a tokenizer.' },
  modelConfig: configObject,
  tokenizer: { type: 'string', pattern: id },
  tokenizerConfig: { ...configObject, description: "Tokenizer options; `vocabSize` defaults to the profile's." },
  loss: { type: 'string', pattern: id },
  lossConfig: configObject,
  initFrom: {
    type: 'string',
    description:
      "Start from another arm's trained cell at the same seed (a model converted from a trained dense one); that cell is trained first and reused from the cache.",
  },
  stepsFraction: { type: 'number', exclusiveMinimum: 0, maximum: 10, description: "Share of the profile's training steps this arm trains for (default 1)." },
  mixture: { type: 'string', pattern: id, description: 'Training data mixture id (default `default`); see the datasets package.' },
  tokenizerMixture: {
    type: 'string',
    pattern: id,
    description: 'Mixture the tokenizer trains on (default `default`); arms that share it share the tokenizer.',
  },
  train: {
    type: 'object',
    additionalProperties: false,
    description:
      'Training-loop overrides, e.g. a lower learning rate for continued training. `schedule`: after warmup, cosine decay to 10% (default) or a constant rate.',
    properties: {
      learningRate: { type: 'number', exclusiveMinimum: 0 },
      warmupSteps: { type: 'integer', minimum: 0 },
      weightDecay: { type: 'number', minimum: 0 },
      checkpoints: { type: 'integer', minimum: 1, maximum: 200 },
      schedule: { enum: ['cosine', 'constant'] },
    },
  },
} as const;

/** One arm's settings as a study writes them (all optional: `shared` fills the gaps). */
const armSchema = { type: 'object', additionalProperties: false, properties: armProperties } as const;

// A claim's facet filter (claim-selection.ts): facet name -> one value, or a list of allowed values.
const facetFilter = {
  type: 'object',
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
} as const;

// Claim and gate ids land in replication.json, so they follow the same id rule as studies.
const claimSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'A claim the replication report checks: the method arm beats the baseline arm on a metric. Verdict from the paired difference over seeds (and evaluation documents): reproduced on the claimed side of 0, not reproduced on the other, inconclusive otherwise, invalid regime when a gate fails.',
  required: ['id', 'text', 'role', 'board', 'metric', 'method', 'baseline', 'paper'],
  properties: {
    id: { type: 'string', pattern: id, description: 'Stable id within the study, used in replication.json.' },
    text: { type: 'string', minLength: 1 },
    role: { enum: ['headline', 'secondary'], description: 'One headline claim per paper (Holm-corrected across the report); the rest are secondary.' },
    board,
    metric: { type: 'string', minLength: 1 },
    method: { type: 'string' },
    baseline: { type: 'string' },
    facets: {
      ...facetFilter,
      description:
        "On a faceted board: the method's records whose `details.facets` hold each key with that value (a list: any of its values); a seed's value is their mean.",
    },
    baselineFacets: { ...facetFilter, description: "The baseline's facet filter (default: `facets`)." },
    baselineMetric: {
      type: 'string',
      minLength: 1,
      description: "Compare with another metric of the baseline arm (e.g. a forecast's error vs a baseline forecaster's); default `metric`.",
    },
    scale: {
      enum: ['linear', 'log'],
      description:
        '`log` for positive ratio-like metrics (perplexity, ratios): the effect is the log ratio and intervals never cross zero on the original scale. Default `linear`.',
    },
    paper: {
      type: 'object',
      additionalProperties: false,
      required: ['figure', 'source'],
      description: "The paper's own figure for this comparison, shown beside the measured effect.",
      properties: {
        figure: { type: 'string', minLength: 1, description: 'As the paper states it, e.g. `27.7 vs 7,569 perplexity with the top-1 expert disabled`.' },
        source: { type: 'string', minLength: 1, description: 'Where: `Table 3`, `Section 4.2`, `Figure 5`.' },
        effect: { type: 'number', description: "The paper's effect on our metric's scale, when it maps onto it (method - baseline)." },
      },
    },
    gates: {
      type: 'array',
      items: { type: 'string', pattern: id },
      uniqueItems: true,
      description: "Ids of the study's gates (or core's default gates) this claim needs; all of the study's when absent.",
    },
  },
} as const;

const gateCommon = {
  id: { type: 'string', pattern: id },
  text: { type: 'string', minLength: 1 },
  board,
  metric: { type: 'string', minLength: 1 },
  arm: { type: 'string', pattern: id },
} as const;

/** `margin`: arm beats `than` by at least `atLeast`; `bound`: the arm's value lies in [atLeast, atMost]. */
const gateSchema = {
  description:
    "A validity gate: a check on measured values (means over seeds) that says whether the regime can test a claim at all, fixed before a campaign runs. `margin`: `arm` beats `than` on the metric (direction-aware) by at least `atLeast`; `bound`: the arm's metric lies within [atLeast, atMost].",
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'text', 'kind', 'board', 'metric', 'arm', 'than', 'atLeast'],
      properties: { ...gateCommon, kind: { const: 'margin' }, than: { type: 'string', pattern: id }, atLeast: { type: 'number' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'text', 'kind', 'board', 'metric', 'arm'],
      anyOf: [
        { required: ['atLeast'], properties: { atLeast: { type: 'number' } } },
        { required: ['atMost'], properties: { atMost: { type: 'number' } } },
      ],
      properties: { ...gateCommon, kind: { const: 'bound' }, atLeast: { type: 'number' }, atMost: { type: 'number' } },
    },
  ],
} as const;

export const studySchema = {
  $schema: DIALECT,
  $id: 'https://labbench.dev/schemas/study.json',
  title: 'labbench study',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'title', 'claim', 'shared', 'arms', 'evaluators'],
  properties: {
    id: { type: 'string', pattern: id, description: 'Globally unique study id, e.g. `dense-baseline`.' },
    version: { type: 'integer', minimum: 1, description: 'Bump on any change of behaviour; lands in every result record.' },
    title: { type: 'string', minLength: 1 },
    claim: { type: 'string', minLength: 1, description: "The paper's claim this study tests, in one sentence." },
    paper: { type: 'object', required: ['title'], properties: { title: { type: 'string' }, url: { type: 'string' }, year: { type: 'integer' } } },
    shared: { ...armSchema, description: "Settings every arm shares; an arm's own fields override them." },
    arms: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: id },
      additionalProperties: armSchema,
    },
    baseline: { type: 'string', description: 'The arm the others are compared against.' },
    claims: { type: 'array', items: claimSchema, description: 'Claims checked by `labbench publish` in REPLICATION.md (direction comes from the metric).' },
    gates: { type: 'array', items: gateSchema, description: 'Validity gates the claims refer to (core adds defaults, e.g. beating the bigram reference).' },
    references: {
      description:
        'Unigram and bigram count-model reference rows on the tokenizer and training stream of this arm (default: the baseline); `false` for studies without a language model.',
      oneOf: [{ const: false }, { type: 'object', additionalProperties: false, properties: { arm: { type: 'string', pattern: id } } }],
    },
    knockouts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['component'],
        description:
          'A knock-out control: the arm trained again without the component the paper changes (the model factory says how to remove it: `ModelFactory.knockout`). The control arm is `knockout-<component>`.',
        properties: {
          component: { type: 'string', pattern: id, description: 'e.g. `ffn` (width 1), `attention` (no attention in `layers`), `routing` (uniform random).' },
          arm: { type: 'string', pattern: id, description: "The arm to copy (default: the study's baseline)." },
          layers: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, uniqueItems: true },
        },
      },
    },
    evaluators: {
      type: 'array',
      items: {
        oneOf: [
          { type: 'string', pattern: id },
          { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: id }, options: configObject } },
        ],
      },
    },
  },
} as const;

/** A suite file: what `labbench run --suite FILE` runs. Every field is optional. */
export const suiteSchema = {
  $schema: DIALECT,
  $id: 'https://labbench.dev/schemas/suite.json',
  title: 'labbench suite (run configuration)',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    profile: { enum: PROFILE_NAMES },
    studies: { type: 'array', items: { type: 'string', pattern: id }, uniqueItems: true },
    seeds: { type: 'integer', minimum: 1, maximum: 20 },
    backend: {
      enum: ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'],
      description: 'As `--backend`; `labbench run` checks the flag against this list too.',
    },
    out: { type: 'string', minLength: 1 },
    steps: { type: 'integer', minimum: 1 },
  },
} as const;

/** A suite file, as `labbench run --suite FILE` reads it. */
export interface SuiteFile extends SchemaType<typeof suiteSchema> {}

const finite = { type: 'number' } as const;
export const resultRecordSchema = {
  $schema: DIALECT,
  $id: 'https://labbench.dev/schemas/result.json',
  title: 'labbench result record (one line of results.jsonl)',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'study', 'studyVersion', 'arm', 'seed', 'board', 'metric', 'value', 'direction', 'n', 'provenance'],
  properties: {
    schema: { const: 'labbench.result/v1' },
    study: { type: 'string', pattern: id },
    studyVersion: { type: 'integer', minimum: 1 },
    arm: { type: 'string', pattern: id },
    seed: { type: 'integer', minimum: 0 },
    board,
    metric: { type: 'string', minLength: 1, maxLength: 200, description: '`task.metric`, e.g. `brown.bits_per_byte` or `lambada.acc`.' },
    value: finite,
    stderr: { type: 'number', minimum: 0, description: 'Standard error within this seed (e.g. over items), when the evaluator can give one.' },
    direction: { enum: ['higher', 'lower', 'none'] },
    n: { type: 'integer', minimum: 0, description: 'Number of items (tokens, documents, questions) behind the value.' },
    details: { type: 'object', description: 'Free-form details (protocol, window length, facets ...).' },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: [
        'cellKey',
        'configHash',
        'paramsTotal',
        'paramsActive',
        'flopsPerTokenTrain',
        'flopsPerTokenInference',
        'tokens',
        'backend',
        'nativeKernels',
        'labbenchVersion',
        'plugins',
        'gitCommit',
        'date',
        'profile',
      ],
      properties: {
        cellKey: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        configHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        paramsTotal: { type: 'integer', minimum: 0 },
        paramsActive: { type: 'integer', minimum: 0 },
        flopsPerTokenTrain: { type: 'number', minimum: 0 },
        flopsPerTokenInference: { type: 'number', minimum: 0 },
        tokens: { type: 'integer', minimum: 0 },
        backend: { enum: ['tensorflow', 'tensorflow-gpu', 'wasm', 'cpu', 'none'] },
        nativeKernels: { type: 'boolean' },
        labbenchVersion: { type: 'string' },
        plugins: { type: 'object', additionalProperties: { type: 'string' } },
        gitCommit: { type: 'string' },
        date: { type: 'string', format: 'date-time' },
        profile: { enum: PROFILE_NAMES },
        wallSeconds: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;

/**
 * The other kind of line in a run's results.jsonl: one validity gate of one claim, measured
 * after the run from its records (an unsharded run writes them after its result records; a
 * shard has not every arm and writes none). Publish recomputes gates from the records, so these
 * lines are the run's own account, read by people and tools, never an input to a verdict.
 */
export const gateRecordSchema = {
  $schema: DIALECT,
  $id: 'https://labbench.dev/schemas/gate.json',
  title: 'labbench gate record (a line of results.jsonl: one validity gate of one claim, as the run measured it)',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'study', 'studyVersion', 'claim', 'claimVerdict', 'seeds', 'profile', ...measuredGateSchema.required],
  properties: {
    schema: { const: 'labbench.gate/v1' },
    study: { type: 'string', pattern: id },
    studyVersion: { type: 'integer', minimum: 1 },
    claim: { type: 'string', pattern: id, description: 'Claim id, unique within the study.' },
    claimVerdict: { enum: VERDICTS, description: "The claim's raw verdict in this run (before Holm correction, which publish applies across a report)." },
    seeds: { type: 'integer', minimum: 0, description: 'Seeds with both arms of the claim measured.' },
    profile: { enum: PROFILE_NAMES },
    ...measuredGateSchema.properties,
  },
} as const;

// ajv is loaded only to compile: validators are cached as its standalone code (schemas/validator-cache.ts)
const AJV_OPTIONS: Options = { allErrors: true, strict: true };

const schemas = { study: studySchema, suite: suiteSchema, result: resultRecordSchema, gate: gateRecordSchema, training: trainingLineSchema, replication: replicationSchema };

export type SchemaName = keyof typeof schemas;

// Compiled on first use: compiling all of them is half of importing core, and a CLI command
// (`labbench list` checks only studies) needs one or two.
const validators = new Map<SchemaName, ValidateFunction>();
function validatorOf(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = cachedValidator(name, schemas[name], AJV_OPTIONS);
    validators.set(name, validate);
  }
  return validate;
}

/** One plain sentence per schema error, naming the JSON path and the actual value. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, data: unknown): string[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath === '' ? '(root)' : e.instancePath.slice(1).replaceAll('/', '.');
    let actual: unknown = data;
    for (const part of e.instancePath.split('/').slice(1)) actual = (actual as Record<string, unknown> | undefined)?.[part];
    const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
    const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
    const shown = e.keyword === 'required' || e.keyword === 'additionalProperties' ? '' : `, got ${JSON.stringify(actual)?.slice(0, 80)}`;
    return `${path}: ${e.message}${extra}${allowed}${shown}`;
  });
}

/** Returns the problems of `data` under a schema; empty when valid. */
export function check(name: SchemaName, data: unknown): string[] {
  const validate = validatorOf(name);
  return validate(data) ? [] : describeErrors(validate.errors, data);
}

/** Throws a ConfigError naming the file and the first problems when `data` is invalid. */
export function assertValid(name: SchemaName, data: unknown, where: string): void {
  const problems = check(name, data);
  if (problems.length > 0) {
    throw new ConfigError(
      where,
      `invalid ${name}: ${problems.slice(0, 5).join('; ')}`,
      `Fix the field(s) named above; the schema is ${name}.json (labbench validate checks a file).`,
    );
  }
}
