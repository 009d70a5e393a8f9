import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectionPrompt, EvalContext, GenerationOptions, Scorer } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { detectionBasic } from '../src/index.js';

/**
 * A scorer that records its generate calls and answers each prompt with a text derived from it,
 * so the test can tell whose continuation ended up in which pair.
 */
function recordingScorer(maxLength: number) {
  const calls: { prompts: string[]; options: GenerationOptions }[] = [];
  const scored: { context: string; continuation: string }[] = [];
  const scorer: Scorer = {
    maxLength,
    async generate(prompts, options) {
      calls.push({ prompts: [...prompts], options });
      return prompts.map((p) => `${p.toUpperCase()}${'z'.repeat(64)}`.slice(0, options.maxTokens));
    },
    async logLikelihood(requests) {
      scored.push(...requests);
      return requests.map((r) => ({ logLikelihood: -r.continuation.length * (/[A-Z]/.test(r.continuation) ? 1 : 2), isGreedy: false, tokens: r.continuation.length }));
    },
    async rollingLogLikelihood(texts) {
      return texts.map((t) => ({ logLikelihood: -t.length, tokens: t.length, bytes: t.length }));
    },
    async tokenScores(texts) {
      return texts.map((t) => ({ tokenIds: new Int32Array(t.length), logProbs: new Float32Array(t.length), ranks: Int32Array.from(t, (ch) => (/[A-Z]/.test(ch) ? 1 : 3)), entropies: new Float32Array(t.length), expectedLogProbs: new Float32Array(t.length), varianceLogProbs: new Float32Array(t.length) }));
    },
  };
  return { scorer, calls, scored };
}

const prompts: DetectionPrompt[] = [
  { id: 'a', source: 's', docId: 'd', prompt: 'first prompt', human: ' a human continuation long enough to be cut' },
  { id: 'b', source: 's', docId: 'd', prompt: 'second', human: ' short one' },
  { id: 'c', source: 's', docId: 'd', prompt: 'third prompt', human: ' another long human continuation here' },
  { id: 'd', source: 's', docId: 'd', prompt: 'fourth', human: ' tiny' },
];

function context(seed: number): EvalContext {
  return { seed, limits: { documents: 1, items: 10, maxChars: 100 }, options: {}, log: () => {}, data: { inDomain: async () => [], outOfDomain: async () => [], set: async <T>() => prompts as unknown as readonly T[] } } as EvalContext;
}

test('detection-basic: one batched generate call per continuation length, each prompt paired with its own continuation', async () => {
  const { scorer, calls, scored } = recordingScorer(32);
  const records = await detectionBasic.evaluate({ tokenizer: byteTokenizer(), scorer }, context(3));
  // byte tokenizer: human continuations are cut to max(8, T/2) = 16 tokens; ' short one' has 10, ' tiny' 5
  assert.deepEqual(calls.map((c) => c.options.maxTokens), [5, 10, 16]);
  assert.deepEqual(calls.map((c) => c.prompts), [['fourth'], ['second'], ['first prompt', 'third prompt']]);
  assert.equal(new Set(calls.map((c) => c.options.seed)).size, 3, 'each length has its own seed');
  // pairs in prompt order, each machine text cut to its human text's length and continuing its own prompt
  const machine = scored.filter((_, i) => i % 2 === 1);
  assert.deepEqual(machine.map((r) => [r.context, r.continuation]), [['first prompt', 'FIRST PROMPTzzzz'], ['second', 'SECONDzzzz'], ['third prompt', 'THIRD PROMPTzzzz'], ['fourth', 'FOURT']]);
  // machine text (upper case) is more likely and ranks higher under this scorer: both detectors separate perfectly
  assert.deepEqual(records.map((r) => [r.metric, (r.details?.facets as { detector: string }).detector, r.value, r.n]), [['auroc', 'loglik', 1, 8], ['auroc', 'logrank', 1, 8]]);
  assert.deepEqual(records[0].details?.facets, { task: 'self-continuation', detector: 'loglik', generator: 'self', decoding: 'temperature-1' });
  const again = recordingScorer(32);
  await detectionBasic.evaluate({ tokenizer: byteTokenizer(), scorer: again.scorer }, context(3));
  assert.deepEqual(again.calls, calls, 'the same seed gives the same calls');
});

test('detection-basic: a prompt longer than the context minus its continuation is cut to its last T - n tokens', async () => {
  const long: DetectionPrompt[] = [
    { id: 'a', source: 's', docId: 'd', prompt: 'an opening far longer than the context can hold with it', human: ' a human continuation long enough to be cut' },
    { id: 'b', source: 's', docId: 'd', prompt: 'short', human: ' another long human continuation here' },
  ];
  const { scorer, calls } = recordingScorer(32);
  const ctx = { ...context(1), data: { inDomain: async () => [], outOfDomain: async () => [], set: async <T>() => long as unknown as readonly T[] } } as EvalContext;
  await detectionBasic.evaluate({ tokenizer: byteTokenizer(), scorer }, ctx);
  // T 32, continuations of 16 bytes: prompts keep their last 16 bytes
  assert.deepEqual(calls.map((c) => c.prompts), [['can hold with it', 'short']]);
});
