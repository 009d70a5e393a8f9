import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalContext } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { initBackend } from '@labbench/tensor';
import { finedeepModel, nsarEvaluator } from '../src/index.js';

const evalContext: EvalContext = {
  seed: 0,
  limits: { documents: 4, items: 4, maxChars: 2000 },
  options: {},
  log: () => {},
  data: {
    inDomain: async () => [{ source: 'toy', id: '1', text: 'the quick brown fox jumps over the lazy dog. '.repeat(8) }],
    outOfDomain: async () => [],
    set: async () => [],
  },
};

test('nsar evaluator: scale-free NSAR per layer and per threshold (higher is better), v1 absolute means beside them (not ranked), all shares in [0, 1]', async () => {
  await initBackend('cpu');
  for (const layout of ['finedeep', 'dense'] as const) {
    const model = finedeepModel.create(
      { dModel: 8, layers: 2, heads: 2, ffnHidden: 16, subLayers: 2, expertsPerSubLayer: 4, layout },
      { vocabSize: 257, seqLen: 16, seed: 2 },
    );
    const records = await nsarEvaluator.evaluate({ tokenizer: byteTokenizer(), model }, evalContext);
    const byName = new Map(records.map((r) => [r.metric, r]));
    for (const tau of [0.1, 0.25, 0.5, 1]) {
      assert.equal(byName.get(`nsar.rms${tau}.mean`)?.direction, 'higher', `${layout} rms ${tau}`);
      assert.ok(byName.has(`nsar.rms${tau}.layer0`) && byName.has(`nsar.rms${tau}.layer1`));
    }
    for (const tau of [0.01, 0.05, 0.1, 0.2]) assert.equal(byName.get(`nsar.tau${tau}.mean`)?.direction, 'none', `${layout} absolute ${tau}`);
    assert.ok(records.every((r) => r.value >= 0 && r.value <= 1));
    model.dispose();
  }
});
