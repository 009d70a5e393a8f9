import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { boardCsv, buildBoard, judgeClaim, resultsCsv, type ResultRecord } from '@labbench/core';
import plugin from '../src/index.js';
import hc3PlusStudy from '../src/studies/hc3-plus.study.js';
import { tinyRun } from './fixtures.js';

/** The evaluator's records as the runner keeps them (study, arm, seed and a provenance added). */
function asResults(records: Awaited<ReturnType<typeof tinyRun>>, seed: number): ResultRecord[] {
  return records.map((r) => ({
    ...r, schema: 'labbench.result/v1', study: hc3PlusStudy.id, studyVersion: hc3PlusStudy.version, arm: 'gen-a', seed,
    provenance: {
      cellKey: String(seed).repeat(64), configHash: '0'.repeat(64), paramsTotal: 1, paramsActive: 1, flopsPerTokenTrain: 1, flopsPerTokenInference: 1, tokens: 1,
      backend: 'cpu', nativeKernels: false, labbenchVersion: '0', plugins: {}, gitCommit: 'x', date: '2026-12-02T00:00:00Z', profile: 'smoke',
    },
  }) as ResultRecord);
}

test('detection board: at two seeds, one row per (task, detector, generator, decoding) with AUROC and TPR@1%FPR and their intervals, under 40 columns; the claims read it', async () => {
  const records = [...asResults(await tinyRun(0), 0), ...asResults(await tinyRun(1), 1)];
  const board = plugin.boards?.find((b) => b.id === 'detection');
  assert.ok(board, 'hc3-plus registers the detection board');
  const csv = boardCsv(buildBoard(records, 'detection'), { headline: ['auroc', board.headline], facets: board.facets });
  const table = parse(csv) as string[][];
  const [columns, ...rows] = table;
  console.log(`detection.csv: ${rows.length} rows x ${columns.length} columns: ${columns.join(', ')}`);
  assert.ok(columns.length < 40, `${columns.length} columns`);
  assert.deepEqual(columns.slice(0, 7), ['study', 'arm', 'task', 'detector', 'generator', 'decoding', 'setting']);
  for (const c of ['auroc', 'auroc.ci_low', 'auroc.ci_high', 'tpr_at_1fpr', 'tpr_at_1fpr.ci_low', 'tpr_at_1fpr.ci_high']) assert.ok(columns.includes(c), c);
  const at = (name: string) => columns.indexOf(name);
  const keys = rows.map((r) => ['task', 'detector', 'generator', 'decoding'].map((k) => r[at(k)]).join('|'));
  assert.equal(new Set(keys).size, rows.length, 'one row per (task, detector, generator, decoding)');
  // a row measured at both seeds has an interval over them (a tiny test split can lack a generator at one seed)
  const aurocRows = rows.filter((r) => r[at('auroc')] !== '');
  const both = aurocRows.filter((r) => r[at('seeds')] === '2');
  console.log(`${both.length} of ${aurocRows.length} AUROC rows measured at both seeds`);
  assert.ok(both.length >= aurocRows.length / 2 && both.every((r) => r[at('auroc.ci_low')] !== '' && r[at('auroc.ci_high')] !== ''));
  // the long table: one row per (study, arm, seed, metric, facets), no key twice
  const long = parse(resultsCsv(records), { columns: true }) as Record<string, string>[];
  const longKeys = long.map((r) => [r.study, r.arm, r.seed, r.metric, r.task, r.detector, r.generator, r.decoding].join('|'));
  assert.equal(new Set(longKeys).size, long.length);
  // the claims select faceted records: two seeds give a paired effect, not `not run`
  for (const claim of hc3PlusStudy.claims ?? []) {
    const j = judgeClaim(hc3PlusStudy, claim, records, { resamples: 50 });
    assert.equal(j.seeds, 2, claim.id);
    assert.ok(j.methodMean !== null && j.baselineMean !== null && j.methodMean >= 0 && j.methodMean <= 1, claim.id);
  }
});
