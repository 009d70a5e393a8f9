import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EvalContext } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { initBackend, trainModel } from '@labbench/tensor';
import { tinyRequest } from '@labbench/tensor/testing';
import { DsmoeLM, dsmoeActivationEvaluator, dsmoeModel, type DsmoeConfig } from '../src/index.js';

const tiny = { dModel: 16, layers: 2, heads: 2, ffnHidden: 32, experts: 8 };
const text = 'the quick brown fox jumps over the lazy dog while seven wizards quietly box a jumbo sphinx. ';
const evalContext: EvalContext = {
  seed: 0,
  limits: { documents: 4, items: 4, maxChars: 4000 },
  options: {},
  log: () => {},
  data: { inDomain: async () => [{ source: 'toy', id: '1', text: text.repeat(12) }], outOfDomain: async () => [], set: async () => [] },
};

async function activation(config: Partial<DsmoeConfig>, seed: number, steps: number) {
  const model = dsmoeModel.create({ ...tiny, ...config }, { vocabSize: 257, seqLen: 16, seed }) as DsmoeLM;
  if (steps > 0) {
    const request = tinyRequest(dsmoeModel, { ...tiny, ...config }, steps);
    await trainModel({ ...request, budget: { ...request.budget, seqLen: 16 } }, model);
  }
  const records = await dsmoeActivationEvaluator.evaluate({ tokenizer: byteTokenizer(), model }, evalContext);
  model.dispose();
  return new Map(records.map((r) => [r.metric, r.value]));
}

test('dsmoe-activation: for any seed and gate scale, the gated variants end at 3 of 8 active experts per token (within 0.1) on the windows they are scored on', async () => {
  await initBackend('cpu');
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom(0.02, 0.5, 2),
      fc.constantFrom<DsmoeConfig['variant']>('dsmoe', 'no-ste', 'soft'),
      async (seed, gateInitStd, variant) => {
        const metrics = await activation({ variant, gateInitStd }, seed, 0);
        return Math.abs(metrics.get('dsmoe.active_experts.mean')! - 3) <= 0.1 && metrics.has('dsmoe.eval_threshold');
      },
    ),
    { numRuns: 5 },
  );
});

test('dsmoe-activation: after training, DSMoE is calibrated to 3 of 8 (within 0.1); the lambda-only first version is not', async () => {
  await initBackend('cpu');
  const calibrated = await activation({ variant: 'dsmoe' }, 3, 6);
  assert.ok(Math.abs(calibrated.get('dsmoe.active_experts.mean')! - 3) <= 0.1, `calibrated: ${calibrated.get('dsmoe.active_experts.mean')}`);
  const old = await activation({ variant: 'dsmoe', activationMatch: 'lambda' }, 3, 6);
  assert.ok(!old.has('dsmoe.eval_threshold'));
  assert.ok(Math.abs(old.get('dsmoe.active_experts.mean')! - 3) > 0.1, `lambda only: ${old.get('dsmoe.active_experts.mean')}`);
});
