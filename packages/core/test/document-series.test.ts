import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { aggregateSeries, documentSeries, perItemDetails } from '../src/document-series.js';

test('documentSeries: keeps the documents with positive weight in order, with their ids, and re-aggregates to the weighted mean (or its exp) of their values within the six-decimal rounding', () => {
  const doc = fc.record({ weight: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })), value: fc.double({ min: 0, max: 12, noNaN: true }) });
  fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 30 }).filter((d) => d.some((x) => x.weight > 0)), fc.constantFrom('weighted-mean' as const, 'exp-weighted-mean' as const), (docs, aggregate) => {
    const ids = docs.map((_, i) => `doc-${i}`);
    const series = documentSeries(docs.map((d) => d.weight), (i) => docs[i].value, aggregate, ids);
    const kept = docs.flatMap((d, i) => (d.weight > 0 ? [i] : []));
    assert.deepEqual(series.documentIds, kept.map((i) => ids[i]));
    assert.deepEqual(series.perDocumentWeights, kept.map((i) => docs[i].weight));
    series.perDocument.forEach((x, j) => assert.ok(Math.abs(x - docs[kept[j]].value) <= 5e-7, `${x} vs ${docs[kept[j]].value}`));
    const total = kept.reduce((a, i) => a + docs[i].weight, 0);
    const mean = kept.reduce((a, i) => a + docs[i].weight * docs[i].value, 0) / total;
    const expected = aggregate === 'exp-weighted-mean' ? Math.exp(mean) : mean;
    // rounding moves the mean by at most 5e-7, so exp of it by a relative 5e-7
    assert.ok(Math.abs(aggregateSeries(series) - expected) <= 1e-6 * Math.max(1, expected), `${aggregateSeries(series)} vs ${expected}`);
    assert.equal('documentIds' in documentSeries(docs.map((d) => d.weight), (i) => docs[i].value, aggregate), false, 'no ids, no documentIds');
  }));
});

test('perItemDetails: grouped or not, the documents\' weighted mean is the items\' mean, one document per distinct group in order of first appearance', () => {
  const item = fc.record({ value: fc.double({ min: -10, max: 10, noNaN: true }), group: fc.constantFrom('a', 'b', 'c', 'd') });
  fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), (items) => {
    const values = items.map((i) => i.value);
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    for (const groups of [undefined, items.map((i) => i.group)]) {
      const d = perItemDetails(values, groups);
      const weighted = d.perDocument.reduce((a, v, j) => a + v * d.perDocumentWeights[j], 0) / d.perDocumentWeights.reduce((a, w) => a + w, 0);
      assert.ok(Math.abs(weighted - mean) <= 1e-9 * Math.max(1, Math.abs(mean)), `${weighted} vs ${mean}`);
      assert.equal(d.items, values.length);
      assert.equal(d.documents, groups ? new Set(groups).size : values.length);
      assert.equal(d.perDocumentWeights.reduce((a, w) => a + w, 0), values.length);
    }
    const firstSeen = [...new Set(items.map((i) => i.group))];
    assert.deepEqual(perItemDetails(values, items.map((i) => i.group)).perDocumentWeights, firstSeen.map((g) => items.filter((i) => i.group === g).length));
  }));
});
