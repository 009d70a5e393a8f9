import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFacets } from '@labbench/core';
import hc3PlusStudy from '../src/studies/hc3-plus.study.js';
import { tinyRun } from './fixtures.js';

test('hc3-plus evaluator: tiny end to end, faceted detection records for at least 8 detectors per task, ROC curves, and the records each claim selects', async () => {
  const records = await tinyRun(0, (m) => console.log(m));
  assert.ok(records.every((r) => r.board === 'detection' && Number.isFinite(r.value)));
  type F = { task: string; detector: string; generator: string; decoding: string };
  const facetsOf = (r: (typeof records)[number]) => (r.details as { facets?: F } | undefined)?.facets;
  for (const r of records.filter((x) => x.metric === 'auroc' || x.metric === 'tpr_at_1fpr')) {
    const f = facetsOf(r);
    assert.ok(f && ['task', 'detector', 'generator', 'decoding'].every((k) => typeof f[k as keyof F] === 'string'), `${r.metric} without string facets`);
  }
  assert.ok(!records.some((r) => /^(A|B1|B2|gap)\./.test(r.metric)), 'no facet encoded in a metric name');
  for (const task of ['A', 'B-para', 'B-summ']) {
    const detectors = new Set(records.filter((r) => r.metric === 'auroc' && facetsOf(r)?.task === task && facetsOf(r)?.generator === 'all' && !facetsOf(r)?.detector.startsWith('control:')).map((r) => facetsOf(r)!.detector));
    assert.ok(detectors.size >= 8, `task ${task}: ${[...detectors].join(', ')}`);
  }
  // no facet-less aggregates: the claims select faceted records (every metric is auroc, tpr_at_1fpr or the corpus count)
  assert.deepEqual([...new Set(records.map((r) => r.metric))].sort(), ['auroc', 'test_texts_per_task', 'tpr_at_1fpr']);
  // the setting facet marks exactly the zero-shot records on the scorer's own samples
  for (const r of records.filter((x) => x.metric === 'auroc')) {
    const f = facetsOf(r) as F & { setting?: string };
    const scorer = /@(lm-[ab])$/.exec(f.detector)?.[1];
    const expected = scorer && !f.detector.includes('/') && f.generator !== 'all' && f.task !== 'probe-spam' ? (scorer === f.generator ? 'white-box' : 'black-box') : undefined;
    assert.equal(f.setting, expected, `${f.task} ${f.detector} ${f.generator}`);
  }
  const claims = hc3PlusStudy.claims ?? [];
  const trained = claims.find((c) => c.id === 'si-harder-trained')!;
  const whiteBox = claims.find((c) => c.id === 'si-harder-white-box')!;
  const select = (facets: typeof trained.facets) => records.filter((r) => r.metric === 'auroc' && matchesFacets(r, facets!)).map((r) => facetsOf(r)!);
  const trainedA = select(trained.facets);
  assert.ok(trainedA.length > 0 && trainedA.every((f) => f.task === 'A' && f.detector.endsWith('/from-all') && f.generator === 'all' && f.decoding === 'all'));
  const trainedB = select(trained.baselineFacets);
  assert.ok(trainedB.length > 0 && trainedB.every((f) => f.task.startsWith('B-') && f.detector.endsWith('/from-all')));
  for (const facets of [whiteBox.facets, whiteBox.baselineFacets]) {
    const chosen = select(facets);
    assert.ok(chosen.length > 0 && chosen.every((f) => f.detector.endsWith(`@${f.generator}`) && f.decoding === 'all'), JSON.stringify(facets));
  }
  // ROC curves on every (task, detector[, generator]) AUROC record: monotone from (0, 0) to (1, 1), at most 101 points
  const withRoc = records.filter((r) => r.metric === 'auroc' && facetsOf(r)?.decoding !== 'topp0.9');
  assert.ok(withRoc.length > 0);
  for (const r of withRoc) {
    const roc = (r.details as { roc?: { fpr: number[]; tpr: number[] } }).roc;
    assert.ok(roc && roc.fpr.length === roc.tpr.length && roc.fpr.length <= 101, `${JSON.stringify(facetsOf(r))} has no curve`);
    assert.deepEqual([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)], [0, 0, 1, 1]);
    assert.ok(roc.fpr.every((x, i) => i === 0 || (x >= roc.fpr[i - 1] && roc.tpr[i] >= roc.tpr[i - 1])));
  }
  const corpus = records.find((r) => r.metric === 'test_texts_per_task')!;
  assert.equal((corpus.details as { docsInTwoSplits: number }).docsInTwoSplits, 0);
  assert.ok(records.some((r) => r.metric === 'auroc' && facetsOf(r)?.task === 'probe-spam' && facetsOf(r)?.detector === 'char-tfidf-lr'));
});
