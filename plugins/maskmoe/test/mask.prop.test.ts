import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRoutingMask, maskMoeDefaults, type MaskMoeConfig } from '../src/index.js';

const input = fc.record({
  counts: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 40 }),
  experts: fc.integer({ min: 1, max: 8 }),
  visibleFrequent: fc.integer({ min: 2, max: 8 }),
  frequentShare: fc.integer({ min: 0, max: 10 }).map((v) => v / 10),
  frequentRule: fc.constantFrom<MaskMoeConfig['frequentRule']>('top-types', 'token-mass'),
  seed: fc.integer({ min: 0, max: 1000 }),
});

test('buildRoutingMask: for any counts, every token id sees exactly V_v experts, V_v = 1 iff it is not frequent, and rebuilding gives the same mask', () => {
  fc.assert(
    fc.property(input, ({ counts, experts, visibleFrequent, frequentShare, frequentRule, seed }) => {
      const config: MaskMoeConfig = { ...maskMoeDefaults, experts, visibleFrequent, frequentShare, frequentRule, topK: 1 };
      const mask = buildRoutingMask(counts, counts.length, config, seed, 2);
      const again = buildRoutingMask(counts, counts.length, config, seed, 2);
      for (let v = 0; v < counts.length; v++) {
        const row = mask.visible.subarray(v * experts, (v + 1) * experts);
        const seen = row.reduce((a, b) => a + b, 0);
        const expected = mask.frequent[v] ? Math.min(experts, visibleFrequent) : 1;
        if (seen !== expected || mask.counts[v] !== expected) return false;
        if (counts[v] === 0 && mask.frequent[v]) return false; // unseen types are rare
      }
      return Buffer.compare(Buffer.from(mask.visible.buffer), Buffer.from(again.visible.buffer)) === 0;
    }),
    { numRuns: 60 },
  );
});

test('buildRoutingMask: the top-types rule marks ceil(share x seen types) types, all at least as frequent as any rare seen type', () => {
  const counts = [50, 0, 3, 20, 7, 7, 1, 0, 9, 2];
  const mask = buildRoutingMask(counts, counts.length, { ...maskMoeDefaults, frequentShare: 0.3 }, 0, 0);
  assert.deepEqual(Array.from(mask.frequent), [1, 0, 0, 1, 0, 0, 0, 0, 1, 0]); // ceil(0.3 x 8 seen) = 3: ids 0, 3, 8
});

test('buildRoutingMask: masks differ between layers when maskPerLayer, and coincide when not', () => {
  const counts = Array.from({ length: 30 }, (_, i) => 30 - i);
  const perLayer = { ...maskMoeDefaults };
  const a = buildRoutingMask(counts, 30, perLayer, 1, 0);
  const b = buildRoutingMask(counts, 30, perLayer, 1, 2);
  assert.notDeepEqual(Array.from(a.visible), Array.from(b.visible));
  const shared = { ...maskMoeDefaults, maskPerLayer: false };
  assert.deepEqual(Array.from(buildRoutingMask(counts, 30, shared, 1, 0).visible), Array.from(buildRoutingMask(counts, 30, shared, 1, 2).visible));
});
