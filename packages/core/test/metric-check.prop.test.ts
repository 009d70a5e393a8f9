import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BOARD_ID_PATTERN, ContractError, checkMetrics } from '../src/index.js';

// boards are registered by plugins: a test registry of a few ids (one with a dash and a digit)
const REGISTERED = new Set(['ppl', 'detection', 'board-2']);

const goodRecord = fc.record({
  board: fc.constantFrom(...REGISTERED),
  metric: fc.stringMatching(/^[a-z][a-z0-9_.]{0,30}$/),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  direction: fc.constantFrom('higher', 'lower', 'none'),
  n: fc.nat(1_000_000),
});

test('checkMetrics accepts every well-formed list of metric records', () => {
  fc.assert(fc.property(fc.array(goodRecord, { maxLength: 8 }), (records) => {
    checkMetrics(records, 'evaluator x', REGISTERED);
    checkMetrics(records, 'evaluator x'); // without a registry: any well-formed board id
  }), { verbose: true });
});

test('checkMetrics refuses any record with a broken field, naming the evaluator and the metric', () => {
  const breakers: [string, fc.Arbitrary<unknown>][] = [
    ['value', fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1', null, undefined)],
    ['board', fc.oneof(fc.string(), fc.stringMatching(BOARD_ID_PATTERN)).filter((b) => !REGISTERED.has(b))],
    ['direction', fc.string().filter((d) => !['higher', 'lower', 'none'].includes(d))],
    ['n', fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY, 'many')],
    ['metric', fc.constantFrom('', '<img src=x onerror=alert(1)>', '../../etc', 'a b', 7)],
    ['details', fc.constantFrom(null, 'text', [1, 2])],
  ];
  fc.assert(fc.property(fc.array(goodRecord, { minLength: 1, maxLength: 5 }), fc.nat(), fc.integer({ min: 0, max: breakers.length - 1 }), fc.anything(), (records, at, which, _) => {
    const [field, bad] = breakers[which];
    const value = fc.sample(bad, { numRuns: 1, seed: at })[0];
    const i = at % records.length;
    const broken = records.map((r, k) => (k === i ? { ...r, [field]: value } : r));
    assert.throws(() => checkMetrics(broken, "evaluator 'probe' (pkg)", REGISTERED), (e: unknown) => e instanceof ContractError && e.message.includes("evaluator 'probe' (pkg)") && e.message.includes(`metric ${i}`));
  }), { verbose: true });
});

test('checkMetrics refuses a result that is not a list', () => {
  for (const out of [undefined, null, 3, 'metrics', { board: 'ppl' }]) {
    assert.throws(() => checkMetrics(out, 'evaluator x'), /not a list of metric records/);
  }
});

test('checkMetrics: a well-formed board no plugin registers is refused with the registered ones named', () => {
  const record = { board: 'routing', metric: 'load', value: 1, direction: 'none', n: 1 };
  checkMetrics([record], 'evaluator x'); // a safe id passes when no registry is given
  assert.throws(() => checkMetrics([record], "evaluator 'probe' (pkg)", REGISTERED), (e: unknown) => e instanceof ContractError && /board 'routing' is not registered/.test(e.message) && /registered: board-2, detection, ppl/.test(e.message));
  for (const board of ['../x', 'results', 'PPL', 'a.b', '']) assert.throws(() => checkMetrics([{ ...record, board }], 'evaluator x'), ContractError, board);
});
