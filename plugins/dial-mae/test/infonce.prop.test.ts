import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initBackend, tf } from '@labbench/tensor';
import { inBatchInfoNce } from '../src/losses.js';

test('inBatchInfoNce: for any batch size B and any row, a score matrix of identical rows gives ln B', async () => {
  await initBackend('cpu');
  fc.assert(fc.property(fc.integer({ min: 1, max: 12 }).chain((b) => fc.tuple(fc.constant(b), fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: b, maxLength: b }))), ([b, row]) => {
    // identical rows that are also constant give ln B for every target; identical non-constant rows average to ln B
    const value = tf.tidy(() => inBatchInfoNce(tf.tensor2d(Array.from({ length: b }, () => row))).dataSync()[0]);
    const logits = row.map((x) => Math.fround(x));
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((a, x) => a + Math.exp(x - max), 0));
    const expected = logits.reduce((a, x) => a + (lse - x), 0) / b;
    assert.ok(Math.abs(value - expected) < 1e-3 * Math.max(1, Math.abs(expected)), `${value} vs ${expected}`);
    const constant = tf.tidy(() => inBatchInfoNce(tf.fill([b, b], row[0])).dataSync()[0]);
    assert.ok(Math.abs(constant - Math.log(b)) < 1e-5, `${constant} vs ln ${b}`);
  }), { numRuns: 60 });
});

test('inBatchInfoNce: a strongly diagonal score matrix gives a loss close to 0', async () => {
  await initBackend('cpu');
  const value = tf.tidy(() => inBatchInfoNce(tf.mul(tf.eye(6), 50) as tf.Tensor2D).dataSync()[0]);
  assert.ok(value >= 0 && value < 1e-6, `${value}`);
});
