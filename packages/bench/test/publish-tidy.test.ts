import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { boardCsv, buildBoard, formatNumber, jsonDepth, resultsCsv, safeText, writeLeaderboards, type ResultRecord } from '@labbench/core';
import { record } from './publish-fixtures.js';

const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const text = fc.string({ minLength: 1, maxLength: 12 });
const facets = fc.option(fc.record({ task: text, detector: text }), { nil: undefined });
const records = fc.uniqueArray(
  fc.record({ study: id, arm: id, seed: fc.integer({ min: 0, max: 3 }), metric: text, value: fc.double({ min: -1e9, max: 1e9, noNaN: true }), facets }),
  { maxLength: 30, selector: (r) => JSON.stringify([r.study, r.arm, r.seed, r.metric, r.facets]) },
).map((list) => list.map((r) => record({ study: r.study, arm: r.arm, seed: r.seed, metric: r.metric, value: r.value, ...(r.facets ? { details: { facets: r.facets } } : {}) })));

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

test('resultsCsv: for any records, one row per (study, arm, seed, metric, facets) in order, values and text intact', () => {
  fc.assert(fc.property(records, (list) => {
    const rows = rowsOf(resultsCsv(list));
    assert.equal(rows.length, list.length);
    rows.forEach((row, i) => {
      const r = list[i];
      const f = (r.details as { facets?: Record<string, string> } | undefined)?.facets;
      assert.deepEqual([row.study, row.arm, row.seed, row.metric, row.value], [r.study, r.arm, String(r.seed), safeText(r.metric), formatNumber(r.value)]);
      assert.deepEqual([row.task ?? '', row.detector ?? ''], [f ? safeText(f.task) : '', f ? safeText(f.detector) : '']);
      assert.equal(row.profile, 'quick');
      assert.equal(row.cell_key.length, 64);
    });
  }), { numRuns: 200 });
});

test('boardCsv: for any records, no column is empty in every row, and the headline metric comes right after the key columns', () => {
  fc.assert(fc.property(records.filter((l) => l.length > 0), fc.nat(), (list, pick) => {
    const headline = list[pick % list.length].metric;
    const csv = boardCsv(buildBoard(list, 'ppl'), { headline: [headline] });
    const rows = rowsOf(csv);
    const columns = (parse(csv) as string[][])[0]; // not Object.keys: it puts integer-like names ("0") first
    for (const column of columns) assert.ok(rows.some((row) => row[column] !== ''), `column ${column} is empty in every row`);
    const firstMetric = columns.find((c) => !['study', 'arm', 'task', 'detector', 'win_rate'].includes(c));
    assert.equal(firstMetric, safeText(headline));
  }), { numRuns: 200 });
});

test('boardCsv: a detection benchmark with facets is one row per (task, detector, generator, decoding) with AUROC and TPR@1%FPR, under 40 columns', () => {
  const list: ResultRecord[] = [];
  for (const task of ['qa', 'summary', 'translation', 'code']) for (const [d, detector] of ['binoculars', 'fast-detectgpt', 'log-rank'].entries()) {
    for (const generator of ['lm-a', 'lm-b']) for (const decoding of ['greedy', 'top-p']) for (const seed of [0, 1]) {
      const facets = { task, detector, generator, decoding };
      list.push(record({ study: 'hc3-plus', arm: 'gen-a', seed, board: 'detection', direction: 'higher', metric: 'auroc', value: 0.6 + d / 10 + seed / 100, details: { facets } }));
      list.push(record({ study: 'hc3-plus', arm: 'gen-a', seed, board: 'detection', direction: 'higher', metric: 'tpr_at_1fpr', value: 0.1 + seed / 100, details: { facets } }));
    }
  }
  const csv = boardCsv(buildBoard(list, 'detection'), { headline: ['auroc'] });
  const rows = rowsOf(csv);
  assert.equal(rows.length, 4 * 3 * 2 * 2);
  const columns = (parse(csv) as string[][])[0];
  assert.ok(columns.length < 40, `${columns.length} columns`);
  assert.deepEqual(columns.slice(0, 11), ['study', 'arm', 'decoding', 'detector', 'generator', 'task', 'win_rate', 'auroc', 'auroc.ci_low', 'auroc.ci_high', 'auroc.rank']);
  assert.ok(columns.includes('tpr_at_1fpr.ci_high'));
  assert.equal(new Set(rows.map((r) => [r.task, r.detector, r.generator, r.decoding].join('/'))).size, rows.length);
  assert.ok(rows.every((r) => r.seeds === '2'));
  // ranks compare the subject facet (detector, the most varied) within each (task, generator, decoding)
  for (const group of new Set(rows.map((r) => [r.task, r.generator, r.decoding].join('/')))) {
    const ranks = rows.filter((r) => [r.task, r.generator, r.decoding].join('/') === group).map((r) => [r.detector, r['auroc.rank']]);
    assert.deepEqual(ranks, [['binoculars', '3'], ['fast-detectgpt', '2'], ['log-rank', '1']], group);
  }
});

test('writeLeaderboards: a board with no records left loses its CSV (no stale boards in a reused folder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labbench-boards-'));
  writeFileSync(join(dir, 'downstream.csv'), 'study,arm\nold,old\n');
  const written = writeLeaderboards([record({ study: 'alpha', arm: 'a', metric: 'm', value: 1 })], dir);
  assert.deepEqual(written, [join(dir, 'ppl.csv')]);
  assert.equal(existsSync(join(dir, 'downstream.csv')), false);
});

/** Nesting depth of a parsed JSON value, the reference for jsonDepth on its text. */
const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0);

test('jsonDepth: for any JSON value, the depth read from its text equals the depth of the parsed value', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
    assert.equal(jsonDepth(JSON.stringify(value)), depthOf(value));
  }), { numRuns: 300 });
});
