import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  BOARD_ID_PATTERN, ContractError, DataError, Registry, RegistryError, assertBoardsRegistered, assertRecordBoards, boardsOf, check, defineBoard, definePlugin, defineStudy,
  writeLeaderboards, type Evaluator, type ResultRecord,
} from '../src/index.js';
import { record } from './claim-records.js';

const resultRecord = (r: { study: string; arm: string; seed: number; metric: string; value: number; board?: string; details?: Record<string, unknown> }) => record(r.arm, r.seed, r.value, { study: r.study, metric: r.metric, board: r.board, details: r.details });

const origin = (name: string) => ({ packageName: `@x/${name}`, version: '1.0.0', dir: `plugins/${name}`, entry: `/plugins/${name}/src/index.ts`, manifest: { id: name, kinds: ['evaluator' as const] } });
const evaluator = (id: string, board: string): Evaluator => ({ id, description: id, boards: [board], requires: 'any', evaluate: async () => [] });
const ppl = defineBoard({ id: 'ppl', title: 'perplexity', headline: 'id.all.bits_per_byte', direction: 'lower' });
const detection = defineBoard({ id: 'detection', title: 'detection', headline: 'auroc', direction: 'higher', facets: ['task', 'detector'] });

test('Registry: boards come from plugins, with their owner', () => {
  const registry = new Registry([
    { plugin: definePlugin({ id: 'perplexity', boards: [ppl], evaluators: [evaluator('perplexity', 'ppl')] }), origin: origin('perplexity') },
    { plugin: definePlugin({ id: 'hc3', boards: [detection] }), origin: origin('hc3') },
  ]);
  assert.deepEqual(registry.boards().map((b) => b.id), ['detection', 'ppl']);
  assert.equal(registry.board('ppl')?.origin.packageName, '@x/perplexity');
  assert.equal(registry.board('routing'), undefined);
  assertBoardsRegistered(registry);
});

test('Registry: a board registered by two plugins names both', () => {
  const a = { plugin: definePlugin({ id: 'a', boards: [ppl] }), origin: origin('a') };
  const b = { plugin: definePlugin({ id: 'b', boards: [{ ...ppl, headline: 'loss' }] }), origin: origin('b') };
  assert.throws(() => new Registry([a, b]), (e: unknown) => e instanceof RegistryError && /board 'ppl'/.test(e.message) && /by @x\/a .* and by @x\/b/.test(e.message));
});

test('Registry: a malformed board names the plugin and the field', () => {
  const bad = (board: object) => () => new Registry([{ plugin: definePlugin({ id: 'p', boards: [board as never] }), origin: origin('p') }]);
  assert.throws(bad({ ...ppl, id: '../ppl' }), (e: unknown) => e instanceof ContractError && /@x\/p › boards/.test(e.message) && /must match/.test(e.message));
  assert.throws(bad({ ...ppl, id: 'results' }), /reserved/);
  assert.throws(bad({ ...ppl, direction: 'up' }), /direction "up"/);
  assert.throws(bad({ ...ppl, headline: '' }), /headline/);
  assert.throws(bad({ ...ppl, facets: ['task', 'task'] }), /facets must be distinct/);
});

test('assertBoardsRegistered: an evaluator or a claim on a board nobody registers names its plugin and suggests the close one', () => {
  const evaluatorOnly = new Registry([
    { plugin: definePlugin({ id: 'perplexity', boards: [ppl] }), origin: origin('perplexity') },
    { plugin: definePlugin({ id: 'mine', evaluators: [evaluator('mine', 'pll')] }), origin: origin('mine') },
  ]);
  assert.throws(() => assertBoardsRegistered(evaluatorOnly), (e: unknown) => e instanceof ContractError && /evaluator 'mine' of @x\/mine/.test(e.message) && /board 'pll' is not registered/.test(e.message) && /Did you mean 'ppl'/.test(e.message) && /Register it in @x\/mine/.test(e.message));
  const study = defineStudy({
    id: 'alpha', version: 1, title: 't', claim: 'c', shared: { model: 'm', tokenizer: 't', loss: 'l' }, arms: { a: {}, b: {} }, evaluators: [],
    claims: [{ id: 'c1', text: 't', role: 'headline', board: 'routing', metric: 'm', method: 'a', baseline: 'b', paper: { figure: 'f', source: 's' } }],
  });
  const claimOnly = new Registry([{ plugin: definePlugin({ id: 'perplexity', boards: [ppl], studies: [study] }), origin: origin('perplexity') }]);
  assert.throws(() => assertBoardsRegistered(claimOnly), /study 'alpha' of @x\/perplexity › claims\.c1\.board: names board 'routing' is not registered/);
  // a study whose evaluators are not installed cannot run here: discovery leaves it to planning
  const cannotRun = new Registry([{ plugin: definePlugin({ id: 'perplexity', boards: [ppl], studies: [{ ...study, evaluators: ['absent'] }] }), origin: origin('perplexity') }]);
  assertBoardsRegistered(cannotRun);
});

test('assertRecordBoards: publish refuses an installed study\'s records on an unregistered board, naming the plugin that wrote them', () => {
  const s = defineStudy({ id: 's', version: 1, title: 't', claim: 'c', shared: { model: 'm', tokenizer: 't', loss: 'l' }, arms: { a: {} }, evaluators: [] });
  const registry = new Registry([{ plugin: definePlugin({ id: 'perplexity', boards: [ppl], studies: [s] }), origin: origin('perplexity') }]);
  const ok = resultRecord({ study: 's', arm: 'a', seed: 0, metric: 'id.all.bits_per_byte', value: 1 });
  assertRecordBoards(registry, [ok]);
  const stray: ResultRecord = { ...ok, board: 'routing', provenance: { ...ok.provenance, plugins: { 'evaluator:load': '@x/moe@1.0.0' } } };
  assert.throws(() => assertRecordBoards(registry, [ok, stray]), (e: unknown) => e instanceof DataError && /@x\/moe@1\.0\.0/.test(e.message) && /board 'routing' is not registered/.test(e.message));
  const noProvenance: ResultRecord = { ...ok, board: 'routing' };
  assert.throws(() => assertRecordBoards(registry, [noProvenance]), /written by @x\/perplexity/);
  // results of a study this workspace does not have are published as they are
  assertRecordBoards(registry, [{ ...stray, study: 'elsewhere' }]);
});

test('schemas: a board is any safe id (registration is checked by run and publish), never a path', () => {
  const record = resultRecord({ study: 's', arm: 'a', seed: 0, metric: 'm', value: 1 });
  fc.assert(fc.property(fc.stringMatching(BOARD_ID_PATTERN), (board) => {
    assert.deepEqual(check('result', { ...record, board }), []);
  }), { numRuns: 100 });
  for (const board of ['../ppl', 'PPL', 'a/b', '', 'a.b']) assert.notDeepEqual(check('result', { ...record, board }), [], board);
});

test('boardsOf: the board most studies report on comes first, ties alphabetically; every board once', () => {
  const records = [['s1', 'routing'], ['s1', 'ppl'], ['s2', 'ppl'], ['s3', 'detection'], ['s2', 'downstream'], ['s1', 'ppl']].map(([study, board]) => ({ study, board }));
  assert.deepEqual(boardsOf(records), ['ppl', 'detection', 'downstream', 'routing']);
  fc.assert(fc.property(fc.array(fc.record({ study: fc.constantFrom('a', 'b', 'c'), board: fc.constantFrom('x', 'y', 'z') })), (list) => {
    const order = boardsOf(list);
    assert.deepEqual([...order].sort(), [...new Set(list.map((r) => r.board))].sort());
  }));
});

test('writeLeaderboards: a registered board puts its headline metric and facets first; stale board CSVs go, other CSVs stay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labbench-boards-'));
  writeFileSync(join(dir, 'routing.csv'), 'study,arm,load\ns,a,1\n');
  writeFileSync(join(dir, 'notes.csv'), 'mine,not,a,board\n');
  const records = ['zz', 'auroc', 'aa'].map((metric, i) => resultRecord({ study: 's', arm: 'a', seed: 0, board: 'detection', metric, value: i / 10, details: { facets: { detector: 'd', task: 't', generator: 'g' } } }));
  writeLeaderboards(records, dir, { boards: [detection] });
  const header = readFileSync(join(dir, 'detection.csv'), 'utf8').split('\n')[0].split(',');
  assert.deepEqual(header.slice(0, 6), ['study', 'arm', 'task', 'detector', 'generator', 'auroc']);
  assert.equal(existsSync(join(dir, 'routing.csv')), false);
  assert.equal(existsSync(join(dir, 'notes.csv')), true);
});
