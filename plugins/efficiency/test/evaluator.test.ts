import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalContext, LanguageModel } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { createMemoryDataProvider } from '@labbench/corpora/testing';
import { DecoderLM, decoderDefaults, initBackend } from '@labbench/tensor';
import { decoderAttentionCost, efficiencyEvaluator, isCostAware } from '../src/index.js';

const limits = { documents: 4, items: 4, maxChars: 4000 };
const evalContext = (): EvalContext => ({ seed: 0, limits, data: createMemoryDataProvider().evalData(limits), options: { windows: 4 }, log: () => {} });
const decoder = () => new DecoderLM({ ...decoderDefaults, dModel: 8, layers: 2, heads: 2, ffnHidden: 16, seqLen: 16 }, { vocabSize: 257, seqLen: 16, seed: 1 });

test('efficiency: a reference decoder gets params, FLOPs, softmax rows and K/V cache per token from its layers, plus a latency', async () => {
  await initBackend('cpu');
  const model = decoder();
  const records = await efficiencyEvaluator.evaluate({ tokenizer: byteTokenizer(), model }, evalContext());
  const value = (metric: string) => records.find((r) => r.metric === metric)?.value;
  assert.equal(value('params.total'), model.params().total);
  assert.equal(value('params.active'), model.params().active);
  assert.equal(value('flops_per_token.train'), model.flopsPerToken().train);
  assert.equal(value('flops_per_token.inference'), model.flopsPerToken().inference);
  assert.equal(value('attention.softmax_rows_per_token'), 2 * 2);
  assert.equal(value('kv_cache.k_floats_per_token'), 2 * 8);
  assert.equal(value('kv_cache.v_floats_per_token'), 2 * 8);
  assert.ok((value('latency.forward_ms_per_token') ?? -1) > 0);
  assert.ok(records.every((r) => r.board === 'efficiency' && r.direction === 'lower'));
  model.dispose();
});

test('efficiency: a model with cost(stats) overrides active parameters and inference FLOPs from its held-out stats', async () => {
  await initBackend('cpu');
  const model = decoder();
  let seen: Record<string, readonly number[]> = {};
  const aware = Object.assign(Object.create(model) as LanguageModel, {
    cost: (stats: Record<string, readonly number[]>) => {
      seen = stats;
      return { activeParams: 123, inferenceFlopsPerToken: 456, kCacheFloatsPerToken: 7 };
    },
  });
  assert.ok(isCostAware(aware));
  const records = await efficiencyEvaluator.evaluate({ tokenizer: byteTokenizer(), model: aware }, evalContext());
  const find = (metric: string) => records.find((r) => r.metric === metric)!;
  assert.equal(find('params.active').value, 123);
  assert.equal(find('params.active').details?.source, 'measured activation');
  assert.equal(find('flops_per_token.inference').value, 456);
  assert.equal(find('kv_cache.k_floats_per_token').value, 7);
  assert.equal(find('kv_cache.v_floats_per_token').value, 16);
  assert.ok(typeof seen === 'object');
  model.dispose();
});

test('decoderAttentionCost: models without per-layer attention costs give undefined', () => {
  assert.equal(decoderAttentionCost({ layers: undefined } as unknown as LanguageModel, 16), undefined);
});
