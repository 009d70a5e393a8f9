import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { PROFILES, discoverPlugins, planStudies } from '@labbench/core';
import { hc3PlusDefaults, hc3PlusWork } from '../src/evaluator.js';

test('the planned work: lm-b plus four detectors fine-tuned for fineTuneFraction of the cell, and scoring that grows with the items', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1e8 }), fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 8, max: 512 }), fc.double({ min: 0, max: 1, noNaN: true }), (tokens, items, seqLen, fineTuneFraction) => {
    const input = { trainTokens: tokens, seqLen, limits: { documents: 10, items, maxChars: 1000 }, options: { fineTuneFraction } };
    const work = hc3PlusWork(input);
    assert.ok(Math.abs(work.trainTokens - tokens * (1 + 4 * fineTuneFraction)) <= 1e-9 * work.trainTokens);
    const more = hc3PlusWork({ ...input, limits: { ...input.limits, items: items + 1 } });
    assert.ok(more.inferenceTokens > work.inferenceTokens);
    // at least the corpus itself: one generated text per pair and two texts scored per pair
    assert.ok(work.inferenceTokens >= 3 * items * seqLen * 3);
  }), { verbose: true });
  assert.equal(hc3PlusWork({ trainTokens: 10, seqLen: 8, limits: { documents: 1, items: 1, maxChars: 1 }, options: {} }).trainTokens, 10 * (1 + 4 * hc3PlusDefaults.fineTuneFraction));
});

test('labbench plan prices an hc3-plus cell at more than twice its own training (it trains lm-b and four detectors)', async () => {
  const registry = await discoverPlugins(fileURLToPath(new URL('../../../', import.meta.url)));
  const cells = planStudies(registry, ['hc3-plus'], PROFILES.campaign, 1).filter((c) => c.arm.model !== 'none');
  assert.ok(cells.length > 0);
  for (const cell of cells) {
    const estimate = cell.estimate();
    assert.ok(estimate.evalCost > 2 * estimate.trainCost, `${cell.armId}: evaluation ${estimate.evalCost.toExponential(2)} against training ${estimate.trainCost.toExponential(2)}`);
  }
});
