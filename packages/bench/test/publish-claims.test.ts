import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { facetDifference } from '../src/publish/replication.js';

const detectors = ['stacked-lr/from-all', 'char-tfidf-lr/from-all'];

test('facetDifference: a faceted claim names the facets that tell its sides apart, not the ones they share', () => {
  const facets = {
    method: { task: 'A', detector: detectors, generator: 'all' },
    baseline: { task: ['B-para', 'B-summ'], detector: detectors, generator: 'all' },
  };
  assert.deepEqual(facetDifference({ facets }), { method: 'task A', baseline: 'task B-para, B-summ' });
  assert.deepEqual(facetDifference({}), { method: '', baseline: '' }, 'a claim without facets');
  assert.deepEqual(facetDifference({ facets: { method: { task: 'A' }, baseline: {} } }), { method: 'task A', baseline: 'task any' });
});

test('facetDifference: for any two facet filters, a facet is shown exactly when the sides differ on it, on both sides', () => {
  const value = fc.oneof(fc.constantFrom('A', 'B', 'all'), fc.array(fc.constantFrom('A', 'B', 'C'), { minLength: 1, maxLength: 3 }));
  const filter = fc.dictionary(fc.constantFrom('task', 'detector', 'generator'), value);
  fc.assert(
    fc.property(filter, filter, (method, baseline) => {
      const text = (v: string | string[] | undefined) => (v === undefined ? 'any' : typeof v === 'string' ? v : v.join(', '));
      const differing = ['detector', 'generator', 'task'].filter((k) => (k in method || k in baseline) && text(method[k]) !== text(baseline[k]));
      const shown = facetDifference({ facets: { method, baseline } });
      const keys = (side: string) => (side === '' ? [] : side.split('; ').map((part) => part.split(' ')[0]));
      assert.deepEqual(keys(shown.method), differing);
      assert.deepEqual(keys(shown.baseline), differing);
    }),
    { numRuns: 300 },
  );
});
