import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initBackend, stopGradient, straightThrough, sumRows, tf, topKMask } from '../src/index.js';

test('topKMask: for any scores [R, E] and 1 <= k <= E, every row has exactly k ones at the k largest', async () => {
  await initBackend('cpu');
  const input = fc.integer({ min: 1, max: 8 }).chain((experts) => fc.record({
    k: fc.integer({ min: 1, max: experts }),
    rows: fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: experts, maxLength: experts }), { minLength: 1, maxLength: 6 }),
  }));
  fc.assert(fc.property(input, ({ k, rows }) => {
    const mask = tf.tidy(() => topKMask(tf.tensor2d(rows), k).arraySync() as number[][]);
    return mask.every((m, r) => {
      if (m.reduce((a, b) => a + b, 0) !== k) return false;
      const chosen = rows[r].filter((_, i) => m[i] === 1);
      const other = rows[r].filter((_, i) => m[i] === 0);
      return other.every((o) => chosen.every((c) => Math.fround(c) >= Math.fround(o)));
    });
  }), { numRuns: 60 });
});

test('topKMask: k out of range says the allowed range', async () => {
  await initBackend('cpu');
  assert.throws(() => topKMask(tf.zeros([2, 4]), 5), /k must be in \[1, 4\]/);
});

test('straightThrough: forward equals hard(x), backward is the identity', async () => {
  await initBackend('cpu');
  const x = tf.tensor1d([0.2, 0.7, 0.5, 0.9]);
  const hard = (t: tf.Tensor) => tf.cast(tf.greater(t, 0.5), 'float32');
  assert.deepEqual(Array.from(straightThrough(x, hard).dataSync()), [0, 1, 0, 1]);
  const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(straightThrough(t, hard), tf.tensor1d([1, 2, 3, 4]))))(x);
  assert.deepEqual(Array.from(grad.dataSync()), [1, 2, 3, 4]);
});

test('stopGradient: the value passes, the gradient is zero', async () => {
  await initBackend('cpu');
  const x = tf.tensor1d([1, 2]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.mul(stopGradient(t), t), 0)))(x);
  assert.deepEqual(Array.from(g.dataSync()), [1, 2]); // d/dt (sg(t) * t) = sg(t)
});

test('sumRows: for any rows and ids, the value is tf.unsortedSegmentSum and the gradient is tfjs\'s (gather of dy), with no tensor left behind', async () => {
  await initBackend('cpu');
  const input = fc.record({ n: fc.integer({ min: 1, max: 5 }), m: fc.integer({ min: 1, max: 8 }), width: fc.integer({ min: 1, max: 3 }) }).chain(({ n, m, width }) =>
    fc.record({
      n: fc.constant(n),
      rows: fc.array(fc.array(fc.integer({ min: -50, max: 50 }).map((v) => v / 10), { minLength: width, maxLength: width }), { minLength: m, maxLength: m }),
      ids: fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: m, maxLength: m }),
      dy: fc.array(fc.array(fc.integer({ min: -50, max: 50 }).map((v) => v / 10), { minLength: width, maxLength: width }), { minLength: n, maxLength: n }),
    }),
  );
  fc.assert(fc.property(input, ({ n, rows, ids, dy }) => {
    const before = tf.memory().numTensors;
    const [ours, stock] = tf.tidy(() => {
      const x = tf.tensor2d(rows);
      const idsT = tf.tensor1d(ids, 'int32');
      const weight = tf.tensor2d(dy);
      const run = (sum: (t: tf.Tensor) => tf.Tensor) => [sum(x).arraySync(), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(sum(t), weight)))(x).arraySync()];
      return [run((t) => sumRows(t, idsT, n)), run((t) => tf.unsortedSegmentSum(t, idsT, n))];
    });
    assert.deepEqual(ours, stock);
    return tf.memory().numTensors === before;
  }), { numRuns: 60 });
});

test('TopK gradient: matches finite differences of the sum of the top-k values', async () => {
  await initBackend('cpu');
  const x = tf.tensor2d([[0.1, 0.9, 0.4, 0.7]]);
  const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.topk(t, 2).values, tf.tensor2d([[3, 5]])));
  const g = Array.from(tf.grad(f)(x).dataSync());
  assert.deepEqual(g, [0, 3, 0, 5]);
});
