import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalContext, RollingScore, Scorer } from '@labbench/core';
import { perplexityByFrequency } from '../src/by-frequency.js';

/** A scorer that gives every token id k the log-probability -(k + 1), for documents of ids given as text. */
const scorer = {
  maxLength: 8,
  async rollingLogLikelihood(texts: readonly string[]): Promise<RollingScore[]> {
    return texts.map((t) => {
      const ids = Int32Array.from(t.split(' ').map(Number));
      const lp = Float32Array.from(ids, (k) => -(k + 1));
      return { logLikelihood: lp.reduce((a, b) => a + b, 0), tokens: ids.length, bytes: t.length, tokenIds: ids, tokenLogProbs: lp };
    });
  },
} as unknown as Scorer;

const context = (docs: string[]): EvalContext => ({
  seed: 0, limits: { documents: 9, items: 9, maxChars: 999 }, options: {}, log: () => {},
  data: { inDomain: async () => docs.map((text, i) => ({ source: 's', id: String(i), text })), outOfDomain: async () => [], set: async () => [] },
});

test('ppl-by-frequency: buckets follow training counts and cover 80/15/5% of the evaluated tokens', async () => {
  // 20 evaluated tokens: id 0 x16 (80%), id 1 x3 (15%), id 2 x1 (5%); training counts rank 0 > 1 > 2.
  const doc = [...Array(16).fill(0), 1, 1, 1, 2].join(' ');
  const records = await perplexityByFrequency.evaluate({ tokenizer: {} as never, scorer, tokenCounts: Float64Array.from([100, 10, 1]) }, context([doc]));
  const ppl = Object.fromEntries(records.map((r) => [r.metric, r.value]));
  assert.ok(Math.abs(ppl['id.freq_high.token_ppl'] - Math.exp(1)) < 1e-9);
  assert.ok(Math.abs(ppl['id.freq_medium.token_ppl'] - Math.exp(2)) < 1e-9);
  assert.ok(Math.abs(ppl['id.freq_low.token_ppl'] - Math.exp(3)) < 1e-9);
});

test('ppl-by-frequency: no token counts, no records', async () => {
  assert.deepEqual(await perplexityByFrequency.evaluate({ tokenizer: {} as never, scorer }, context(['0 1'])), []);
});
