import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalContext, EvalSubject, LanguageModel } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { CausalScorer, initBackend, trainModel, type RoutedDecoderLM } from '@labbench/tensor';
import { tinyRequest } from '@labbench/tensor/testing';
import { disableTop1Evaluator, moeModel, routingEvaluator } from '../src/index.js';

const tiny = { dModel: 16, layers: 2, heads: 2, ffnHidden: 16, experts: 4, topK: 2 };
const docs = [{ source: 'toy', id: '1', text: 'the quick brown fox jumps over the lazy dog. '.repeat(3) }];
const evalContext: EvalContext = {
  seed: 0,
  limits: { documents: 4, items: 4, maxChars: 1000 },
  options: {},
  log: () => {},
  data: { inDomain: async () => docs, outOfDomain: async () => docs, set: async () => [] },
};

async function trained(config: Record<string, unknown>): Promise<{ model: LanguageModel; subject: EvalSubject }> {
  const request = tinyRequest(moeModel, config, 4);
  const model = moeModel.create(config, { vocabSize: 257, seqLen: 16, seed: 0 });
  const { record } = await trainModel({ ...request, budget: { ...request.budget, checkpoints: 2 } }, model);
  const tokenizer = byteTokenizer();
  const tokenCounts = new Float64Array(257);
  for (const id of request.trainTokens) tokenCounts[id]++;
  return { model, subject: { tokenizer, model, scorer: new CausalScorer(model, tokenizer, 16, 2), training: record, tokenCounts } };
}

test('moe-routing: reports per-router stats and summaries on the routing board, and fluctuation in [0, 1] from the mid-training probe', async () => {
  await initBackend('cpu');
  const { model, subject } = await trained(tiny);
  const records = await routingEvaluator.evaluate(subject, evalContext);
  const byName = new Map(records.map((r) => [r.metric, r]));
  assert.ok(records.every((r) => r.board === 'routing' && Number.isFinite(r.value)));
  for (const name of [
    'moe.loadImbalance.layer0',
    'routing.loadImbalance',
    'routing.auxLoss',
    'routing.auxLossScaled',
    'routing.routerEntropy',
    'routing.unusedExperts',
  ])
    assert.ok(byName.has(name), name);
  assert.ok(Math.abs(byName.get('routing.auxLossScaled')!.value - 0.01 * byName.get('routing.auxLoss')!.value) < 1e-6);
  assert.ok(byName.get('routing.loadImbalance')!.value >= 1);
  const tokensPerExpert = byName.get('moe.loadImbalance.layer0')!.details!.tokensPerExpert as number[];
  assert.equal(tokensPerExpert.length, 4);
  const fluctuation = byName.get('fluctuation.occurrences')!;
  assert.ok(fluctuation.value >= 0 && fluctuation.value <= 1 && fluctuation.n > 0);
  assert.equal(fluctuation.details!.fromStep, 2);
  assert.equal(fluctuation.details!.toStep, 4);
  model.dispose();
});

test('moe-routing: hash routing never fluctuates (routing depends on the token id only)', async () => {
  await initBackend('cpu');
  const { model, subject } = await trained({ ...tiny, routing: 'hash' });
  const records = await routingEvaluator.evaluate(subject, evalContext);
  const fluctuation = records.find((r) => r.metric === 'fluctuation.occurrences')!;
  assert.equal(fluctuation.value, 0);
  assert.ok(!records.some((r) => r.metric === 'routing.auxLoss'), 'hash routing has no trainable router, so no balance loss');
  model.dispose();
});

test('moe-disable-top1: perplexity with top-1 disabled, its ratio to the normal one, and the routing mode restored', async () => {
  await initBackend('cpu');
  const { model, subject } = await trained(tiny);
  const records = await disableTop1Evaluator.evaluate(subject, evalContext);
  const byName = new Map(records.map((r) => [r.metric, r.value]));
  assert.ok(byName.get('disable_top1.id.token_ppl')! >= 1 && byName.get('disable_top1.id.base_token_ppl')! >= 1);
  assert.ok(
    Math.abs(byName.get('disable_top1.id.ppl_ratio')! - byName.get('disable_top1.id.token_ppl')! / byName.get('disable_top1.id.base_token_ppl')!) < 1e-9,
  );
  assert.notEqual(byName.get('disable_top1.id.token_ppl'), byName.get('disable_top1.id.base_token_ppl'));
  assert.equal((model as RoutedDecoderLM).control.disableTop1, false);
  // per-document values for the claims' bootstrap: exp of their token-weighted mean is each record's value
  const three = [0, 1, 2].map((i) => ({ source: 'toy', id: `d${i}`, text: ['the quick brown fox. ', 'jumps over the lazy dog, ', 'again and again. '][i].repeat(2 + i) }));
  const perDoc = await disableTop1Evaluator.evaluate(subject, { ...evalContext, data: { ...evalContext.data, inDomain: async () => three } });
  for (const r of perDoc) {
    const d = r.details as { perDocument: number[]; perDocumentWeights: number[]; aggregate: string; documentIds: string[] };
    assert.equal(d.aggregate, 'exp-weighted-mean');
    assert.deepEqual(d.documentIds, ['d0', 'd1', 'd2']);
    const mean = d.perDocument.reduce((a, x, i) => a + x * d.perDocumentWeights[i], 0) / d.perDocumentWeights.reduce((a, w) => a + w, 0);
    assert.ok(Math.abs(Math.exp(mean) / r.value - 1) < 1e-5, `${r.metric}: exp(mean) ${Math.exp(mean)} vs ${r.value}`);
  }
  model.dispose();
});
