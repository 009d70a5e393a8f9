/** The tokenizer-metrics evaluator and the statistics behind it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EvalContext, EvalDocument, MetricRecord } from '../src/core.js';
import { bpe, scaffoldBpe } from '../src/factory.js';
import { createTokenizerMetrics, tokenizerMetrics } from '../src/metrics.js';
import { documentSurprisal, redundancy, unigramEntropy } from '../src/tokenizer-stats.js';
import { CORPUS, PROBE, PROSE } from './helpers/corpus.js';

function context(inDomain: EvalDocument[], outOfDomain: EvalDocument[], limits = { documents: 100, items: 100, maxChars: 1e6 }, options: Record<string, unknown> = { heldOut: 'profile' }): EvalContext {
  return {
    seed: 1, limits, options, log: () => {},
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
  const perDocumentWeights = [tokenizer.encode(PROSE).length, tokenizer.encode(PROBE).length];
  assert.deepEqual(m.get('brown.bytes_per_token'), {
    board: 'tokenizer', metric: 'brown.bytes_per_token', value: bytes / tokens, direction: 'higher', n: tokens,
    details: { split: 'in-domain', documents: 2, bytes, tokens, perDocumentWeights, weighting: 'tokens per document',
      perDocument: [Buffer.byteLength(PROSE) / perDocumentWeights[0], Buffer.byteLength(PROBE) / perDocumentWeights[1]].map((x) => Number(x.toPrecision(7))) },
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

/** The token-weighted mean of `details.perDocument`, as the statistics engineer's bootstrap computes a metric. */
function weightedMean(record: MetricRecord | undefined): number {
  const values = record?.details?.perDocument as number[];
  const weights = record?.details?.perDocumentWeights as number[];
  assert.equal(values.length, weights.length);
  return values.reduce((s, v, i) => s + v * weights[i], 0) / weights.reduce((a, b) => a + b, 0);
}

test('tokenizer-metrics: per-document values (one per document, weights = tokens) average back to every metric', async () => {
  const tokenizer = scaffoldBpe.train(CORPUS, { vocabSize: 400 });
  const docs = [PROSE, PROBE, PROSE.slice(0, 300), '', PROBE.slice(50)].map((text, i) => ({ source: 'brown', id: String(i), text }));
  const m = byMetric(await tokenizerMetrics.evaluate({ tokenizer }, context(docs, [])));
  for (const name of ['brown.bytes_per_token', 'brown.unigram_entropy', 'brown.redundancy']) {
    const record = m.get(name);
    // the empty document has no tokens and is left out of values and weights alike
    assert.equal((record?.details?.perDocument as number[]).length, 4, name);
    assert.ok(Math.abs(weightedMean(record) - record!.value) < 1e-5, `${name}: ${weightedMean(record)} vs ${record!.value}`);
  }
});

test('documentSurprisal: token-weighted mean equals the unigram entropy exactly (property)', () => {
  fc.assert(fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 8 }), (docs) => {
    const counts = new Float64Array(8);
    for (const d of docs) for (const id of d) counts[id]++;
    const surprisal = documentSurprisal(counts, docs.map((d) => Int32Array.from(d)));
    const total = docs.reduce((n, d) => n + d.length, 0);
    const mean = surprisal.reduce((s, h, i) => s + h * docs[i].length, 0) / total;
    return Math.abs(mean - unigramEntropy(counts)) < 1e-9;
  }));
});

test('tokenizer-metrics: by default the in-domain sources are their whole test split, not the profile-capped set', async () => {
  const tokenizer = bpe.train(CORPUS, { vocabSize: 300 });
  const split = Array.from({ length: 30 }, (_, i) => ({ source: 'brown', id: `t${i}`, text: `${PROSE.slice(i * 10)} ${i}` }));
  const evaluator = createTokenizerMetrics(async () => split);
  // the context's in-domain set is what the profile caps (2 documents here); the default ignores it
  const capped = [{ source: 'brown', id: 'c0', text: PROBE }, { source: 'brown', id: 'c1', text: PROSE }];
  const m = byMetric(await evaluator.evaluate({ tokenizer }, context(capped, [], { documents: 2, items: 0, maxChars: 1000 }, {})));
  const record = m.get('brown.bytes_per_token');
  assert.equal(record?.details?.documents, 30);
  assert.equal(record?.details?.bytes, split.reduce((n, d) => n + Buffer.byteLength(d.text), 0));
  assert.equal((record?.details?.perDocument as number[]).length, 30);
  await assert.rejects(evaluator.evaluate({ tokenizer }, context(capped, [], undefined, { heldOut: 'all' })), /options\.heldOut: must be 'test-split' or 'profile'/);
});

test('tokenizer-metrics: the default loader reads every Brown test document from @labbench/corpora', async () => {
  const { corpus } = await import('@labbench/corpora');
  const brownTest = corpus('brown').filter((d) => d.split === 'test');
  const tokenizer = bpe.train(CORPUS, { vocabSize: 300 });
  const m = byMetric(await tokenizerMetrics.evaluate({ tokenizer }, context([], [], { documents: 2, items: 0, maxChars: 1000 }, {})));
  assert.equal(m.get('brown.bytes_per_token')?.details?.documents, brownTest.length);
  assert.equal(m.get('brown.bytes_per_token')?.details?.bytes, brownTest.reduce((n, d) => n + Buffer.byteLength(d.text), 0));
  assert.ok(brownTest.length >= 20);
});
