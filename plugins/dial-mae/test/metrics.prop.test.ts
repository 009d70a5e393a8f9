import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { rankOf, selectionMetrics } from '../src/metrics.js';

const H10 = Array.from({ length: 10 }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0);
const lists = fc.array(fc.record({
  scores: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 10, maxLength: 10 }), // small range: many ties
  label: fc.integer({ min: 0, max: 9 }),
}), { minLength: 1, maxLength: 30 });

test('selectionMetrics: for any scored lists, R10@1 <= R10@2 <= R10@5 <= 1 and MRR in [0.1, 1]', () => {
  fc.assert(fc.property(lists, (items) => {
    const m = selectionMetrics(items.map((i) => rankOf(i.scores, i.label)));
    assert.ok(m.r1 <= m.r2 && m.r2 <= m.r5 && m.r5 <= 1, JSON.stringify(m));
    assert.ok(m.mrr >= 0.1 - 1e-12 && m.mrr <= 1 + 1e-12, JSON.stringify(m));
    assert.ok(items.every((i) => rankOf(i.scores, i.label) <= 10)); // R10@10 = 1
  }), { numRuns: 200 });
});

test('rankOf: for any distinct scores, the rank is invariant to permuting the candidates', () => {
  const distinct = fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 10, maxLength: 10 });
  fc.assert(fc.property(distinct, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 1_000_000 }), (scores, label, seed) => {
    const order = new Rng(seed).shuffle(Array.from({ length: 10 }, (_, i) => i));
    const permuted = order.map((i) => scores[i]);
    assert.equal(rankOf(permuted, order.indexOf(label)), rankOf(scores, label));
  }), { numRuns: 200 });
});

test('rankOf: ties go by original order (a tied positive ranks after tied candidates listed before it)', () => {
  assert.equal(rankOf(new Array(10).fill(0), 0), 1);
  assert.equal(rankOf(new Array(10).fill(0), 9), 10);
  assert.equal(rankOf([1, 2, 2, 0, 0, 0, 0, 0, 0, 0], 2), 2);
});

test('selectionMetrics: for any scores, a positive at a uniformly random position has E[R10@1, R10@2, R10@5, MRR] = 0.1, 0.2, 0.5, H10/10', () => {
  // exact: averaging over all 10 positions of the positive (any scores, ties included)
  fc.assert(fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 10, maxLength: 10 }), (scores) => {
    const m = selectionMetrics(scores.map((_, label) => rankOf(scores, label)));
    assert.ok(Math.abs(m.r1 - 0.1) < 1e-12 && Math.abs(m.r2 - 0.2) < 1e-12 && Math.abs(m.r5 - 0.5) < 1e-12);
    assert.ok(Math.abs(m.mrr - H10 / 10) < 1e-12, `${m.mrr}`);
  }), { numRuns: 100 });
});

test('selectionMetrics: a random scorer over 4000 contexts lands within 4 standard errors of 0.1 / 0.2 / 0.5 / 0.2929', () => {
  const rng = new Rng(11);
  const ranks = Array.from({ length: 4000 }, () => rankOf(Array.from({ length: 10 }, () => rng.float()), rng.int(0, 9)));
  const m = selectionMetrics(ranks);
  for (const [value, expected, se] of [[m.r1, 0.1, m.stderr.r1], [m.r2, 0.2, m.stderr.r2], [m.r5, 0.5, m.stderr.r5], [m.mrr, H10 / 10, m.stderr.mrr]]) {
    assert.ok(Math.abs(value - expected) <= 4 * se, `${value} vs ${expected} (se ${se})`);
  }
});
