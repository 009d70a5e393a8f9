import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequiredKeysOf } from 'type-fest';
import {
  check,
  gateRecordSchema,
  resultRecordSchema,
  studySchema,
  suiteSchema,
  type GateRecord,
  type ResultRecord,
  type StudyDefinition,
  type SuiteFile,
  type TrainingLine,
} from '../src/index.js';
import { replicationSchema } from '../src/schemas/replication.js';
import { trainingLineSchema } from '../src/schemas/training.js';
import type { ReplicationFile } from '../src/schemas/replication.js';
import type { SchemaName } from '../src/schemas.js';

/*
 * The types core exports for what it validates are derived from the schemas (schemas/derive.ts).
 * These checks run in the type-check (`npm run typecheck` covers test files): each type has
 * exactly its schema's properties and required fields, so a derivation that silently became
 * `any` or lost a field fails here, and a typed example must also pass ajv.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Props<S> = S extends { readonly properties: infer P } ? keyof P : never;
type Required<S> = S extends { readonly required: readonly (infer K)[] } ? K : never;
/** Keys and required keys of T match schema S. */
type Matches<T, S> = [Equal<keyof T, Props<S>>, Equal<RequiredKeysOf<T & object>, Required<S>>];

const shapes: {
  study: Matches<StudyDefinition, typeof studySchema>;
  suite: Matches<SuiteFile, typeof suiteSchema>;
  result: Matches<ResultRecord, typeof resultRecordSchema>;
  provenance: Matches<ResultRecord['provenance'], (typeof resultRecordSchema)['properties']['provenance']>;
  training: Matches<TrainingLine, typeof trainingLineSchema>;
  replication: Matches<ReplicationFile, typeof replicationSchema>;
  gate: Matches<GateRecord, typeof gateRecordSchema>;
} = { study: [true, true], suite: [true, true], result: [true, true], provenance: [true, true], training: [true, true], replication: [true, true], gate: [true, true] };

// One example per schema, typed with the derived type (no cast): ajv must accept each.
const result: ResultRecord = {
  schema: 'labbench.result/v1',
  study: 'dense-baseline',
  studyVersion: 1,
  arm: 'swiglu',
  seed: 0,
  board: 'ppl',
  metric: 'brown.bits_per_byte',
  value: 1.7,
  direction: 'lower',
  n: 1000,
  provenance: {
    cellKey: 'a'.repeat(64),
    configHash: 'b'.repeat(64),
    paramsTotal: 10,
    paramsActive: 10,
    flopsPerTokenTrain: 60,
    flopsPerTokenInference: 20,
    tokens: 100,
    backend: 'cpu',
    nativeKernels: false,
    labbenchVersion: '0.1.0',
    plugins: { dense: '0.1.0' },
    gitCommit: 'c'.repeat(40),
    date: new Date(0).toISOString(),
    profile: 'smoke',
  },
};
const study: StudyDefinition = {
  id: 'typed-study',
  version: 1,
  title: 'A typed study',
  claim: 'The method beats the baseline.',
  shared: { tokenizer: 'bpe', loss: 'cross-entropy', train: { schedule: 'cosine' } },
  arms: { method: { model: 'dense' }, baseline: { model: 'dense', modelConfig: { ffn: 'relu' } } },
  baseline: 'baseline',
  evaluators: ['perplexity', { id: 'downstream', options: { tasks: ['lambada'] } }],
  claims: [
    {
      id: 'beats',
      text: 'method < baseline',
      role: 'headline',
      board: 'ppl',
      metric: 'brown.bits_per_byte',
      method: 'method',
      baseline: 'baseline',
      paper: { figure: '1 vs 2', source: 'Table 1' },
    },
  ],
  gates: [{ id: 'in-range', text: 'bits per byte is sane', kind: 'bound', board: 'ppl', metric: 'brown.bits_per_byte', arm: 'baseline', atMost: 8 }],
  knockouts: [{ component: 'ffn' }],
  references: false,
};
const gate: GateRecord = {
  schema: 'labbench.gate/v1',
  study: 'typed-study',
  studyVersion: 1,
  claim: 'beats',
  claimVerdict: 'invalid regime',
  seeds: 2,
  profile: 'smoke',
  gate: 'in-range',
  text: 'bits per byte is sane',
  measured: 9.5,
  threshold: 8,
  comparison: '<=',
  passed: false,
};
const suite: SuiteFile = { profile: 'quick', studies: ['typed-study'], seeds: 3, backend: 'tensorflow-gpu' };
const training: TrainingLine = {
  study: 'typed-study',
  arm: 'method',
  seed: 0,
  training: {
    steps: 2,
    tokens: 64,
    wallSeconds: 1,
    trainLoss: [{ step: 1, tokens: 32, value: 5.5 }],
    validLoss: [{ step: 2, tokens: 64, value: null }],
    positionLosses: [{ step: 2, tokens: 64, losses: [5, null], split: 'in-domain' }],
    modelStats: { 'moe.load': [0.5, 0.5], 'moe.entropy': 0.7 },
  },
};
const replication: ReplicationFile = {
  schema: 'labbench.replication/v1',
  generated: new Date(0).toISOString(),
  profiles: ['smoke'],
  alpha: 0.05,
  entries: [],
  notRun: [],
};

test('schema types: each derived type has its schema’s fields (checked by the type-check)', () => {
  assert.deepEqual(Object.values(shapes).flat(), Array(14).fill(true));
});

test('schema types: an example typed with each derived type passes its schema', () => {
  const examples: Record<SchemaName, unknown> = { result, gate, study, suite, training, replication };
  for (const [name, value] of Object.entries(examples)) assert.deepEqual(check(name as SchemaName, value), [], name);
});
