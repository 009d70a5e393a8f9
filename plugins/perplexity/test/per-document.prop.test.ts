import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { aggregateSeries, type DocumentSeries, type EvalContext, type RollingScore, type Scorer } from '@labbench/core';
import { perplexity } from '../src/index.js';
import { perplexityByFrequency } from '../src/by-frequency.js';

/** A scorer that gives token id k the log-probability -(k + 1) / 2; a document's text is its ids; bytes = characters. */
const scorer = {
  maxLength: 8,
  async rollingLogLikelihood(texts: readonly string[]): Promise<RollingScore[]> {
    return texts.map((t) => {
      const ids = Int32Array.from(t.split(' ').map(Number));
      const lp = Float32Array.from(ids, (k) => -(k + 1) / 2);
      return { logLikelihood: lp.reduce((a, b) => a + b, 0), tokens: ids.length, bytes: t.length, tokenIds: ids, tokenLogProbs: lp };
    });
  },
} as unknown as Scorer;

const context = (docs: { source: string; text: string }[]): EvalContext => ({
  seed: 0, limits: { documents: 99, items: 9, maxChars: 1e9 }, options: {}, log: () => {},
  data: { inDomain: async () => docs.map((d, i) => ({ ...d, id: `doc${i}` })), outOfDomain: async () => [], set: async () => [] },
});

// documents of 1-30 token ids in [0, 5], from two sources
const documents = fc.array(fc.record({ source: fc.constantFrom('a', 'b'), text: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }).map((ids) => ids.join(' ')) }), { minLength: 1, maxLength: 12 });

test('perplexity: for any documents, every record re-aggregates from its per-document series and counts its tokens and documents', async () => {
  await fc.assert(fc.asyncProperty(documents, async (docs) => {
    const records = await perplexity.evaluate({ tokenizer: {} as never, scorer }, context(docs));
    assert.ok(records.length > 0);
    for (const r of records) {
      const d = r.details as unknown as DocumentSeries & { documents: number; tokens: number; documentIds: string[] };
      assert.ok(Math.abs(aggregateSeries(d) - r.value) <= 1e-5 * Math.max(1, r.value), `${r.metric}: ${aggregateSeries(d)} vs ${r.value}`);
      assert.equal(d.perDocument.length, d.documents);
      assert.equal(d.documentIds.length, d.documents);
      assert.equal(r.n, d.tokens);
      const source = r.metric.split('.')[1];
      const mine = docs.filter((x) => source === 'all' || x.source === source);
      assert.equal(d.documents, mine.length);
      assert.equal(d.tokens, mine.reduce((a, x) => a + x.text.split(' ').length, 0));
    }
  }), { numRuns: 60 });
});

test('perplexity: the document order of the series is the evaluation set order within each source, whatever the scores', async () => {
  const docs = [{ source: 'b', text: '1 2' }, { source: 'a', text: '0' }, { source: 'b', text: '3' }, { source: 'a', text: '5 5' }];
  const records = await perplexity.evaluate({ tokenizer: {} as never, scorer }, context(docs));
  const all = records.find((r) => r.metric === 'id.all.bits_per_byte')!;
  assert.deepEqual((all.details as { documentIds: string[] }).documentIds, ['doc1', 'doc3', 'doc0', 'doc2']); // sources sorted, set order inside
});

test('ppl-by-frequency: for any documents, each bucket re-aggregates from its per-document series and flags buckets under the minimum', async () => {
  await fc.assert(fc.asyncProperty(documents, async (docs) => {
    const counts = Float64Array.from([60, 30, 20, 10, 5, 1]);
    const records = await perplexityByFrequency.evaluate({ tokenizer: {} as never, scorer, tokenCounts: counts }, context(docs));
    for (const r of records) {
      const d = r.details as unknown as DocumentSeries & { tokens: number; documents: number; belowMinimum: boolean };
      assert.ok(Math.abs(aggregateSeries(d) - r.value) <= 1e-5 * r.value, `${r.metric}: ${aggregateSeries(d)} vs ${r.value}`);
      assert.equal(d.perDocumentWeights.reduce((a, b) => a + b, 0), r.n);
      assert.equal(d.tokens, r.n);
      assert.equal(d.belowMinimum, r.n < 2000);
    }
  }), { numRuns: 60 });
});
