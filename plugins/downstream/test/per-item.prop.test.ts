import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ContinuationRequest, EvalContext, Scorer } from '@labbench/core';
import { downstream } from '../src/index.js';

/** A scorer whose log-likelihood of a continuation is minus its length and greedy when it is short. */
const scorer = {
  maxLength: 16,
  async logLikelihood(requests: readonly ContinuationRequest[]) {
    return requests.map((r) => ({ logLikelihood: -r.continuation.length, isGreedy: r.continuation.length <= 4, tokens: r.continuation.length }));
  },
} as unknown as Scorer;

const word = fc.string({ minLength: 1, maxLength: 8 });
const items = fc.record({
  cloze: fc.array(fc.record({ context: word, target: word }), { minLength: 1, maxLength: 10 }),
  choice: fc.array(fc.record({ context: word, choices: fc.array(word, { minLength: 2, maxLength: 2 }), label: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 10 }),
});

test('downstream: for any items, each record is the mean of its per-item series and counts its items and tokens', async () => {
  await fc.assert(fc.asyncProperty(items, async ({ cloze, choice }) => {
    const context = {
      seed: 0, limits: { documents: 1, items: 99, maxChars: 1 }, options: { sets: ['cloze-lambada', 'mc-next-sentence'] }, log: () => {},
      data: { inDomain: async () => [], outOfDomain: async () => [], set: async (name: string) => (name.startsWith('cloze') ? cloze : choice) },
    } as unknown as EvalContext;
    const records = await downstream.evaluate({ tokenizer: {} as never, scorer }, context);
    assert.equal(records.length, 4);
    for (const r of records) {
      const d = r.details as { perDocument: number[]; perDocumentWeights: number[]; items: number; tokens: number };
      const mean = d.perDocument.reduce((a, b) => a + b, 0) / d.perDocument.length;
      assert.ok(Math.abs(mean - r.value) < 1e-9, `${r.metric}: ${mean} vs ${r.value}`);
      assert.equal(d.items, r.n);
      assert.equal(d.perDocument.length, r.n);
      assert.ok(d.tokens > 0);
    }
  }), { numRuns: 50 });
});
