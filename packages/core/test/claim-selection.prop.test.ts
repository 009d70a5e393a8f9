import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matchesFacets, meanPerSeed, selectClaimRecords } from '../src/claim-selection.js';
import { judgeClaim } from '../src/claims.js';
import { check } from '../src/schemas.js';
import { claim, record, study } from './claim-records.js';

const TASKS = ['A', 'B-para', 'B-summ'] as const;
const DETECTORS = ['d1', 'd2', 'd3'] as const;
const faceted = (arm: string, seed: number, task: string, detector: string, value: number) =>
  record(arm, seed, value, { board: 'detection', metric: 'auroc', direction: 'higher', details: { facets: { task, detector, generator: 'all' } } });

test('matchesFacets: a key must be present with the value, or one of the listed values', () => {
  const r = faceted('a', 0, 'B-para', 'd1', 0.5);
  assert.equal(matchesFacets(r, { task: 'B-para' }), true);
  assert.equal(matchesFacets(r, { task: ['A', 'B-para'], detector: 'd1' }), true);
  assert.equal(matchesFacets(r, { task: 'A' }), false);
  assert.equal(matchesFacets(r, { decoding: 'all' }), false); // absent key: not selected
  assert.equal(matchesFacets(record('a', 0, 1), { task: 'A' }), false); // no facets at all
});

// AUROC-like values per (seed, task, detector); some cells missing
const grid = fc.array(fc.record({ seed: fc.integer({ min: 0, max: 4 }), task: fc.constantFrom(...TASKS), detector: fc.constantFrom(...DETECTORS), value: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 40 })
  .map((cells) => [...new Map(cells.map((c) => [`${c.seed}|${c.task}|${c.detector}`, c])).values()]);

test('meanPerSeed: one record per seed, its value the mean of the seed\'s selected records', () => {
  fc.assert(fc.property(grid, (cells) => {
    const records = cells.map((c) => faceted('a', c.seed, c.task, c.detector, c.value));
    const out = meanPerSeed(records);
    assert.deepEqual(out.map((r) => r.seed), [...new Set(cells.map((c) => c.seed))].sort((x, y) => x - y));
    for (const r of out) {
      const own = cells.filter((c) => c.seed === r.seed).map((c) => c.value);
      assert.ok(Math.abs(r.value - own.reduce((a, b) => a + b, 0) / own.length) <= 1e-12);
    }
  }));
});

/**
 * The claim's meaning is kept: judging `{ metric: 'auroc', facets: {task: 'A'} }` against
 * `{ task: ['B-para', 'B-summ'] }` gives exactly what the former aggregate metrics gave
 * (`taskA.auroc.mean` vs `taskB.auroc.mean`, each the mean over its components per seed).
 */
test('judgeClaim: a facet claim equals the claim on per-seed aggregate metrics (effect, interval, p, verdict)', () => {
  fc.assert(fc.property(grid, (cells) => {
    const records = cells.map((c) => faceted('gen-a', c.seed, c.task, c.detector, c.value));
    const aggregate = (metric: string, tasks: readonly string[]) => [...new Set(cells.map((c) => c.seed))].flatMap((seed) => {
      const parts = cells.filter((c) => c.seed === seed && tasks.includes(c.task));
      return parts.length === 0 ? [] : [record('gen-a', seed, parts.reduce((a, c) => a + c.value, 0) / parts.length, { board: 'detection', metric, direction: 'higher' })];
    });
    const old = [...aggregate('taskA.auroc.mean', ['A']), ...aggregate('taskB.auroc.mean', ['B-para', 'B-summ'])];
    const byAggregate = claim({ board: 'detection', metric: 'taskA.auroc.mean', baselineMetric: 'taskB.auroc.mean', method: 'gen-a', baseline: 'gen-a' });
    const byFacets = claim({ board: 'detection', metric: 'auroc', facets: { task: 'A' }, baselineFacets: { task: ['B-para', 'B-summ'] }, method: 'gen-a', baseline: 'gen-a' });
    const s = study([byFacets], { arms: { 'gen-a': {} }, baseline: 'gen-a', references: false });
    const a = judgeClaim(s, byAggregate, old, { resamples: 50 });
    const f = judgeClaim(s, byFacets, records, { resamples: 50 });
    for (const key of ['effect', 'p', 'verdict', 'seeds', 'test', 'methodMean', 'baselineMean'] as const) {
      const [x, y] = [a[key], f[key]];
      if (typeof x === 'number' && typeof y === 'number') assert.ok(Math.abs(x - y) <= 1e-12, `${key}: ${x} vs ${y}`);
      else assert.deepEqual(y, x, key);
    }
    assert.deepEqual(f.facets, { method: { task: 'A' }, baseline: { task: ['B-para', 'B-summ'] } });
  }));
});

test('selectClaimRecords: without facets a claim reads its metric as before (every record of the arm)', () => {
  const records = [record('m', 0, 1), record('m', 1, 2), record('b', 0, 3), faceted('m', 0, 'A', 'd1', 0.7)];
  assert.deepEqual(selectClaimRecords(records, { study: 'toy', board: 'ppl', arm: 'm', metric: 'id.all.bits_per_byte' }).map((r) => r.value), [1, 2]);
});

test('study schema: a claim may select by facet (a value or a non-empty list)', () => {
  const base = study([claim({ facets: { task: 'A', detector: ['d1', 'd2'] }, baselineFacets: { task: 'B-para' } })]);
  assert.deepEqual(check('study', base), []);
  assert.notDeepEqual(check('study', study([claim({ facets: { task: [] } as never })])), []);
  assert.notDeepEqual(check('study', study([claim({ facets: { task: 3 } as never })])), []);
});
