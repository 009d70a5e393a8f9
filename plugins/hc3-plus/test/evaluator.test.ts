import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalContext } from '@labbench/core';
import { CausalScorer, DecoderLM, decoderDefaults, initBackend } from '@labbench/tensor';
import { createHc3PlusEvaluator } from '../src/evaluator.js';
import { CORPUS, tinyPrompts, tinyTokenizer } from './fixtures.js';

test('hc3-plus evaluator: tiny end to end, faceted detection records for at least 8 detectors per task, and the claim metrics', async () => {
  await initBackend('wasm');
  const tokenizer = tinyTokenizer();
  const T = 20;
  const model = new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 1, heads: 2, ffnHidden: 32, seqLen: T }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed: 1 });
  const scorer = new CausalScorer(model, tokenizer, T, 4);
  const prompts = tinyPrompts(8);
  const spam = Array.from({ length: 16 }, (_, i) => ({ id: `m${i}`, source: 'email', docId: `t${i}`, split: i < 8 ? 'valid' : 'test', label: i % 2 ? 'spam' : 'ham', fineLabel: '', text: i % 2 ? `BUY NOW cheap offer ${i} click here` : `${CORPUS[i].slice(0, 80)}` }));
  const context: EvalContext = {
    seed: 0, limits: { documents: 4, items: 24, maxChars: 2000 }, options: {}, log: (m) => console.log(m),
    data: { inDomain: async () => [], outOfDomain: async () => [], set: async <X>(name: string) => (name === 'probe-spam' ? spam : prompts) as unknown as readonly X[] },
  };
  const evaluator = createHc3PlusEvaluator(async () => CORPUS.slice(0, 20)); // the "other half": no corpora loaded
  const training = { steps: 4, tokens: 4 * 2 * T, wallSeconds: 0, trainLoss: [], validLoss: [], positionLosses: [], modelStats: {} };
  const records = await evaluator.evaluate({ tokenizer, model, scorer, training }, context);
  model.dispose();
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
  for (const metric of ['taskA.auroc.mean', 'taskB.auroc.mean', 'taskA.auroc.whitebox', 'taskB.auroc.whitebox']) assert.ok(records.some((r) => r.metric === metric), metric);
  // white-box means use only each scorer's own samples: the old claim pooled every generator
  for (const metric of ['taskA.auroc.whitebox', 'taskB.auroc.whitebox']) {
    const components = (records.find((r) => r.metric === metric)!.details as { components: (F & { auroc: number })[] }).components;
    assert.ok(components.length > 0 && components.every((c) => c.detector.endsWith(`@${c.generator}`)), metric);
  }
  const trained = (records.find((r) => r.metric === 'taskB.auroc.mean')!.details as { components: F[] }).components;
  assert.ok(trained.every((c) => c.detector.endsWith('/from-all') && c.task.startsWith('B-') && c.generator === 'all'));
  const corpus = records.find((r) => r.metric === 'test_texts_per_task')!;
  assert.equal((corpus.details as { docsInTwoSplits: number }).docsInTwoSplits, 0);
  assert.ok(records.some((r) => r.metric === 'auroc' && facetsOf(r)?.task === 'probe-spam' && facetsOf(r)?.detector === 'char-tfidf-lr'));
});
