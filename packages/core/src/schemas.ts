import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { BOARD_ID_PATTERN } from './contracts/board.js';
import { ConfigError } from './errors.js';
import { trainingLineSchema } from './schemas/training.js';
import { replicationSchema } from './schemas/replication.js';

// ajv-formats' default export is the plugin function under CommonJS interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const id = /^[a-z][a-z0-9.-]{0,63}$/.source;
const configObject = { type: 'object' } as const;
// boards are registered by plugins: the schema checks a safe id, the run and publish that it is registered
const board = { type: 'string', pattern: BOARD_ID_PATTERN.source } as const;

const armProperties = {
  model: { type: 'string', pattern: id },
  modelConfig: configObject,
  tokenizer: { type: 'string', pattern: id },
  tokenizerConfig: configObject,
  loss: { type: 'string', pattern: id },
  lossConfig: configObject,
  initFrom: { type: 'string' },
  stepsFraction: { type: 'number', exclusiveMinimum: 0, maximum: 10 },
  mixture: { type: 'string', pattern: id },
  tokenizerMixture: { type: 'string', pattern: id },
  train: {
    type: 'object',
    additionalProperties: false,
    properties: {
      learningRate: { type: 'number', exclusiveMinimum: 0 },
      warmupSteps: { type: 'integer', minimum: 0 },
      weightDecay: { type: 'number', minimum: 0 },
      checkpoints: { type: 'integer', minimum: 1, maximum: 200 },
      schedule: { enum: ['cosine', 'constant'] },
    },
  },
} as const;

// Claim and gate ids land in replication.json, so they follow the same id rule as studies.
const claimSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'text', 'role', 'board', 'metric', 'method', 'baseline', 'paper'],
  properties: {
    id: { type: 'string', pattern: id },
    text: { type: 'string', minLength: 1 },
    role: { enum: ['headline', 'secondary'] },
    board,
    metric: { type: 'string', minLength: 1 },
    method: { type: 'string' },
    baseline: { type: 'string' },
    baselineMetric: { type: 'string', minLength: 1 },
    scale: { enum: ['linear', 'log'] },
    paper: {
      type: 'object',
      additionalProperties: false,
      required: ['figure', 'source'],
      properties: { figure: { type: 'string', minLength: 1 }, source: { type: 'string', minLength: 1 }, effect: { type: 'number' } },
    },
    gates: { type: 'array', items: { type: 'string', pattern: id }, uniqueItems: true },
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
      anyOf: [{ required: ['atLeast'], properties: { atLeast: { type: 'number' } } }, { required: ['atMost'], properties: { atMost: { type: 'number' } } }],
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
    id: { type: 'string', pattern: id },
    version: { type: 'integer', minimum: 1 },
    title: { type: 'string', minLength: 1 },
    claim: { type: 'string', minLength: 1 },
    paper: { type: 'object', required: ['title'], properties: { title: { type: 'string' }, url: { type: 'string' }, year: { type: 'integer' } } },
    shared: { type: 'object', additionalProperties: false, properties: armProperties },
    arms: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: id },
      additionalProperties: { type: 'object', additionalProperties: false, properties: armProperties },
    },
    baseline: { type: 'string' },
    claims: { type: 'array', items: claimSchema },
    gates: { type: 'array', items: gateSchema },
    references: { oneOf: [{ const: false }, { type: 'object', additionalProperties: false, properties: { arm: { type: 'string', pattern: id } } }] },
    knockouts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['component'],
        properties: {
          component: { type: 'string', pattern: id },
          arm: { type: 'string', pattern: id },
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
    profile: { enum: ['smoke', 'quick', 'full', 'campaign'] },
    studies: { type: 'array', items: { type: 'string', pattern: id }, uniqueItems: true },
    seeds: { type: 'integer', minimum: 1, maximum: 20 },
    backend: { enum: ['auto', 'tensorflow', 'wasm', 'cpu'] },
    out: { type: 'string', minLength: 1 },
    steps: { type: 'integer', minimum: 1 },
  },
} as const;

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
    metric: { type: 'string', minLength: 1, maxLength: 200 },
    value: finite,
    stderr: { type: 'number', minimum: 0 },
    direction: { enum: ['higher', 'lower', 'none'] },
    n: { type: 'integer', minimum: 0 },
    details: { type: 'object' },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: ['cellKey', 'configHash', 'paramsTotal', 'paramsActive', 'flopsPerTokenTrain', 'flopsPerTokenInference', 'tokens', 'backend', 'nativeKernels', 'labbenchVersion', 'plugins', 'gitCommit', 'date', 'profile'],
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
        profile: { enum: ['smoke', 'quick', 'full', 'campaign'] },
        wallSeconds: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);

const schemas = { study: studySchema, suite: suiteSchema, result: resultRecordSchema, training: trainingLineSchema, replication: replicationSchema };

export type SchemaName = keyof typeof schemas;

// Compiled on first use: compiling all of them is half of importing core, and a CLI command
// (`labbench list` checks only studies) needs one or two.
const validators = new Map<SchemaName, ValidateFunction>();
function validatorOf(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(schemas[name]);
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
    throw new ConfigError(where, `invalid ${name}: ${problems.slice(0, 5).join('; ')}`, `Fix the field(s) named above; the schema is ${name}.json (labbench validate checks a file).`);
  }
}
