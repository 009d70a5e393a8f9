/** The tokenizer-metrics evaluator and the statistics behind it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalContext, EvalDocument, MetricRecord } from '../src/core.js';
import { bpe, scaffoldBpe } from '../src/factory.js';
import { tokenizerMetrics } from '../src/metrics.js';
import { redundancy, unigramEntropy } from '../src/tokenizer-stats.js';
import { CORPUS, PROBE, PROSE } from './helpers/corpus.js';

function context(inDomain: EvalDocument[], outOfDomain: EvalDocument[], limits = { documents: 100, items: 100, maxChars: 1e6 }): EvalContext {
  return {
    seed: 1, limits, options: {}, log: () => {},
    data: { inDomain: async () => inDomain, outOfDomain: async () => outOfDomain, set: async () => [] },
  };
}
const byMetric = (records: MetricRecord[]) => new Map(records.map((r) => [r.metric, r]));

test('unigramEntropy / redundancy: uniform over 4 gives 2 bits; one token gives 0 bits and redundancy 1', () => {
  assert.equal(unigramEntropy([5, 5, 5, 5]), 2);
  assert.equal(unigramEntropy([0, 7, 0]), 0);
  assert.equal(unigramEntropy([]), 0);
  assert.equal(redundancy(2, 4), 0);
  assert.equal(redundancy(0, 1024), 1);
});

test('tokenizer-metrics: per-source bytes per token, entropy and redundancy, with split and sample size', async () => {
  const tokenizer = scaffoldBpe.train(CORPUS, { vocabSize: 400 });
  const docs = [{ source: 'brown', id: '1', text: PROSE }, { source: 'brown', id: '2', text: PROBE }];
  const records = await tokenizerMetrics.evaluate({ tokenizer }, context(docs, [{ source: 'moby', id: 'a', text: PROBE }]));
  const m = byMetric(records);
  const tokens = tokenizer.encode(PROSE).length + tokenizer.encode(PROBE).length;
  const bytes = Buffer.byteLength(PROSE) + Buffer.byteLength(PROBE);
  assert.deepEqual(m.get('brown.bytes_per_token'), {
    board: 'tokenizer', metric: 'brown.bytes_per_token', value: bytes / tokens, direction: 'higher', n: tokens,
    details: { split: 'in-domain', documents: 2, bytes, tokens },
  });
  assert.equal(m.get('moby.unigram_entropy')?.direction, 'higher');
  assert.equal(m.get('moby.redundancy')?.direction, 'lower');
  for (const name of ['vocab.size', 'vocab.scaffold_count', 'vocab.scaffold_share', 'vocab.avg_freq_change', 'encode.mb_per_s']) assert.ok(m.has(name), name);
  assert.equal(m.get('vocab.size')?.value, 400);
  assert.ok(records.every((r) => r.board === 'tokenizer' && Number.isFinite(r.value)));
});

test('tokenizer-metrics: plain BPE has no frequency-change record; a source in both splits gets an -ood suffix', async () => {
  const tokenizer = bpe.train(CORPUS, { vocabSize: 400 });
  const doc = { source: 'sotu', id: '1', text: PROSE };
  const m = byMetric(await tokenizerMetrics.evaluate({ tokenizer }, context([doc], [doc])));
  assert.ok(!m.has('vocab.avg_freq_change'));
  assert.equal(m.get('vocab.scaffold_count')?.value, 0);
  assert.ok(m.has('sotu.bytes_per_token') && m.has('sotu-ood.bytes_per_token'));
});

test("tokenizer-metrics: the profile's limits cap documents and characters per source", async () => {
  const tokenizer = bpe.train(CORPUS, { vocabSize: 300 });
  const docs = Array.from({ length: 5 }, (_, i) => ({ source: 'brown', id: String(i), text: PROSE }));
  const m = byMetric(await tokenizerMetrics.evaluate({ tokenizer }, context(docs, [], { documents: 2, items: 0, maxChars: 1_000_000 })));
  assert.equal(m.get('brown.bytes_per_token')?.details?.documents, 2);
  const capped = byMetric(await tokenizerMetrics.evaluate({ tokenizer }, context(docs, [], { documents: 10, items: 0, maxChars: 100 })));
  assert.equal(capped.get('brown.bytes_per_token')?.details?.bytes, Buffer.byteLength(PROSE.slice(0, 100)));
});

test('tokenizer-metrics: declares its board and requirement', () => {
  assert.equal(tokenizerMetrics.id, 'tokenizer-metrics');
  assert.deepEqual(tokenizerMetrics.boards, ['tokenizer']);
  assert.equal(tokenizerMetrics.requires, 'tokenizer');
});
