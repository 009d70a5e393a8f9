import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalContext } from '@labbench/core';
import { CausalScorer, DecoderLM, decoderDefaults, initBackend } from '@labbench/tensor';
import { createHc3PlusEvaluator } from '../src/evaluator.js';
import { CORPUS, tinyPrompts, tinyTokenizer } from './fixtures.js';

test('hc3-plus evaluator: tiny end to end, detection records for at least 8 detectors on tasks A, B1 and B2', async () => {
  await initBackend('wasm');
  const tokenizer = tinyTokenizer();
  const T = 20;
  const model = new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 1, heads: 2, ffnHidden: 32, seqLen: T }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed: 1 });
  const scorer = new CausalScorer(model, tokenizer, T, 4);
  const prompts = tinyPrompts(8);
  const spam = Array.from({ length: 16 }, (_, i) => ({ id: `m${i}`, source: 'email', docId: `t${i}`, split: i < 8 ? 'valid' : 'test', label: i % 2 ? 'spam' : 'ham', fineLabel: '', text: i % 2 ? `BUY NOW cheap offer ${i} click here` : `${CORPUS[i].slice(0, 80)}` }));
  const context: EvalContext = {
    seed: 0, limits: { documents: 4, items: 24, maxChars: 2000 }, options: { infillCandidates: 2 }, log: (m) => console.log(m),
    data: { inDomain: async () => [], outOfDomain: async () => [], set: async <X>(name: string) => (name === 'probe-spam' ? spam : prompts) as unknown as readonly X[] },
  };
  const evaluator = createHc3PlusEvaluator(async () => CORPUS.slice(0, 20)); // the "other half": no corpora loaded
  const training = { steps: 4, tokens: 4 * 2 * T, wallSeconds: 0, trainLoss: [], validLoss: [], positionLosses: [], modelStats: {} };
  const records = await evaluator.evaluate({ tokenizer, model, scorer, training }, context);
  model.dispose();
  assert.ok(records.every((r) => r.board === 'detection' && (Number.isFinite(r.value) || Number.isNaN(r.value))));
  for (const task of ['A', 'B1', 'B2']) {
    const detectors = new Set(records.filter((r) => r.metric.startsWith(`${task}.`) && r.metric.split('.').length === 3 && r.metric.endsWith('.auroc') && !r.metric.includes('length')).map((r) => r.metric.split('.')[1]));
    assert.ok(detectors.size >= 8, `task ${task}: ${[...detectors].join(', ')}`);
  }
  assert.equal(records.find((r) => r.metric === 'corpus.docs_in_two_splits')?.value, 0);
  assert.ok(records.some((r) => r.metric.startsWith('gap.A-B1.')));
  assert.ok(records.some((r) => r.metric === 'spam.char-tfidf-lr.auroc'));
});
