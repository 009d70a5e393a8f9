import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERDICTS, check, readResults, validateResultsText, writeResults, type GateRecord, type ResultRecord } from '../src/index.js';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);

export const resultRecord: fc.Arbitrary<ResultRecord> = fc.record({
  schema: fc.constant('labbench.result/v1' as const),
  study: id, studyVersion: fc.integer({ min: 1, max: 9 }), arm: id, seed: fc.nat(20),
  board: fc.constantFrom('ppl', 'downstream', 'detection', 'dialogue', 'tokenizer', 'efficiency', 'routing', 'scaling' as const),
  metric: fc.stringMatching(/^[a-z][a-z0-9._-]{0,30}$/),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  direction: fc.constantFrom('higher', 'lower', 'none' as const),
  n: fc.nat(),
  provenance: fc.record({
    cellKey: hex64, configHash: hex64, paramsTotal: fc.nat(), paramsActive: fc.nat(),
    flopsPerTokenTrain: fc.nat(), flopsPerTokenInference: fc.nat(), tokens: fc.nat(),
    backend: fc.constantFrom('wasm', 'cpu', 'tensorflow' as const), nativeKernels: fc.boolean(),
    labbenchVersion: fc.constant('0.1.0'), plugins: fc.dictionary(id, fc.constant('x@1.0.0')),
    gitCommit: fc.stringMatching(/^[0-9a-f]{40}$/), date: fc.constant(new Date(0).toISOString()),
    profile: fc.constantFrom('smoke', 'quick', 'full' as const),
  }),
});

test('result schema: for any valid record, a JSON round trip stays valid and equal', () => {
  fc.assert(fc.property(resultRecord, (r) => {
    const text = JSON.stringify(r);
    const { records, problems } = validateResultsText(text + '\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(records[0], JSON.parse(text));
  }));
});

test('result schema: a corrupted field is named with its record', () => {
  fc.assert(fc.property(fc.array(resultRecord, { minLength: 2, maxLength: 5 }), fc.nat(), (rs, k) => {
    const bad = k % rs.length;
    const lines = rs.map((r, i) => JSON.stringify(i === bad ? { ...r, value: 'oops' } : r));
    const { problems } = validateResultsText(lines.join('\n'));
    return problems.length === 1 && problems[0].line === bad + 1 && problems[0].problems.some((p) => p.startsWith('value:'));
  }));
});

const gateRecord: fc.Arbitrary<GateRecord> = fc.record({
  schema: fc.constant('labbench.gate/v1' as const),
  study: id, studyVersion: fc.integer({ min: 1, max: 9 }), claim: id, claimVerdict: fc.constantFrom(...VERDICTS),
  seeds: fc.nat(10), profile: fc.constantFrom('smoke', 'quick', 'full', 'campaign' as const),
  gate: fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/), text: fc.string(),
  measured: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  threshold: fc.double({ noNaN: true, noDefaultInfinity: true }), comparison: fc.constantFrom('>=', '<=' as const),
  passed: fc.option(fc.boolean(), { nil: null }),
});

test('results file: result and gate records written together read back equal, each kind on its own; readResults gives the result records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labbench-results-'));
  fc.assert(fc.property(fc.array(resultRecord, { maxLength: 6 }), fc.array(gateRecord, { maxLength: 6 }), (records, gates) => {
    const path = join(dir, 'results.jsonl');
    writeResults(path, records, gates);
    const back = validateResultsText(readFileSync(path, 'utf8'));
    // JSON drops -0's sign; compare what JSON can carry
    assert.deepEqual(back, JSON.parse(JSON.stringify({ records, gates, problems: [] })));
    assert.deepEqual(readResults(path), back.records);
  }));
});

test('results file: a corrupted gate line is named as a gate record, with its field', () => {
  fc.assert(fc.property(fc.array(resultRecord, { maxLength: 3 }), gateRecord, fc.constantFrom('threshold', 'comparison', 'passed'), (records, gate, field) => {
    const lines = [...records.map((r) => JSON.stringify(r)), JSON.stringify({ ...gate, [field]: 'oops' })];
    const { problems, gates } = validateResultsText(lines.join('\n'));
    return gates.length === 0 && problems.length === 1 && problems[0].line === lines.length
      && problems[0].where.includes(`gate record: study ${gate.study}, claim ${gate.claim}`) && problems[0].problems.some((p) => p.startsWith(`${field}:`));
  }));
});

test('suite schema: for any non-integer seeds, validation names the field', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.double({ noInteger: true }), fc.boolean()), (seeds) => {
    const problems = check('suite', { seeds });
    return problems.length > 0 && problems.every((p) => p.startsWith('seeds'));
  }));
});
