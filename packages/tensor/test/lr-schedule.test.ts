/** The learning-rate schedules after warmup: cosine (the default) and constant (the TSL study's, issue #18). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { learningRateAt } from '../src/train/adamw.js';

test('learningRateAt: the same linear warmup for both schedules, then constant holds the peak while cosine decays to 10%', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 2000 }), fc.double({ min: 1e-5, max: 1e-2, noNaN: true }), (warmup, after, peak) => {
    const total = warmup + after;
    for (let step = 0; step < warmup; step++) {
      assert.equal(learningRateAt(step, peak, warmup, total, 'constant'), learningRateAt(step, peak, warmup, total, 'cosine'));
    }
    for (const step of [warmup, warmup + Math.floor(after / 2), total - 1]) assert.equal(learningRateAt(step, peak, warmup, total, 'constant'), peak);
    assert.ok(Math.abs(learningRateAt(total, peak, warmup, total, 'cosine') - 0.1 * peak) < 1e-12 * peak);
    // the default stays cosine, so every other study trains as before
    assert.equal(learningRateAt(total - 1, peak, warmup, total), learningRateAt(total - 1, peak, warmup, total, 'cosine'));
  }), { numRuns: 100 });
});
