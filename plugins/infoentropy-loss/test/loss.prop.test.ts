import { test } from 'node:test';
import fc from 'fast-check';
import { initBackend, tf } from '@labbench/tensor';
import { crossEntropyLoss as crossEntropy } from '@labbench/tensor';
import { focalLoss, mileLoss, mileWeights } from '../src/index.js';

/** Tiny logits [B, T, V] and targets [B, T] with some padding (-1). */
const batch = fc.record({ b: fc.integer({ min: 1, max: 3 }), t: fc.integer({ min: 1, max: 4 }), v: fc.integer({ min: 2, max: 7 }) }).chain(({ b, t, v }) => fc.record({
  b: fc.constant(b), t: fc.constant(t), v: fc.constant(v),
  logits: fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: b * t * v, maxLength: b * t * v }),
  targets: fc.array(fc.integer({ min: -1, max: v - 1 }), { minLength: b * t, maxLength: b * t }),
}));
type Batch = { b: number; t: number; v: number; logits: number[]; targets: number[] };

function lossAndGrad(fn: (z: tf.Tensor3D, y: tf.Tensor2D) => tf.Scalar, x: Batch): { loss: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const z = tf.tensor3d(x.logits, [x.b, x.t, x.v]);
    const y = tf.tensor2d(x.targets, [x.b, x.t], 'int32');
    const { value, grad } = tf.valueAndGrad((zz: tf.Tensor) => fn(zz as tf.Tensor3D, y))(z);
    return { loss: value.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}
const mile = (gamma: number) => (z: tf.Tensor3D, y: tf.Tensor2D) => mileLoss.compute(z, y, { gamma, sigma: 1 }).loss;
const ce = (z: tf.Tensor3D, y: tf.Tensor2D) => crossEntropy.compute(z, y, {}).loss;
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

test('mile: for any logits and targets, gamma = 0 equals cross-entropy bit-for-bit in loss and gradients', async () => {
  await initBackend('cpu');
  fc.assert(fc.property(batch, (x) => {
    const a = lossAndGrad(mile(0), x);
    const b = lossAndGrad(ce, x);
    return sameBits(a.loss, b.loss) && sameBits(a.grad, b.grad);
  }), { numRuns: 40 });
});

test('focal: for any logits and targets, gamma = 0 equals cross-entropy bit-for-bit in loss and gradients', async () => {
  await initBackend('cpu');
  fc.assert(fc.property(batch, (x) => {
    const a = lossAndGrad((z, y) => focalLoss.compute(z, y, { gamma: 0 }).loss, x);
    const b = lossAndGrad(ce, x);
    return sameBits(a.loss, b.loss) && sameBits(a.grad, b.grad);
  }), { numRuns: 25 });
});

test('mileWeights: for any logits [N, V] and gamma in [0, 3], 1 <= w <= (1 + ln V)^gamma', async () => {
  await initBackend('cpu');
  fc.assert(fc.property(batch, fc.double({ min: 0, max: 3, noNaN: true }), (x, gamma) => {
    const w = tf.tidy(() => mileWeights(tf.tensor2d(x.logits, [x.b * x.t, x.v]), gamma, 1).dataSync());
    const hi = (1 + Math.log(x.v)) ** gamma;
    return w.every((wi) => wi >= 1 - 1e-5 && wi <= hi * (1 + 1e-5) + 1e-5);
  }), { numRuns: 40 });
});

/** Closed form of spec 2.2 with w held constant: dL/dz_i = alpha w_i (softmax(z_i) - onehot(y_i)) / P. */
function closedFormGradient(x: Batch, gamma: number): number[] {
  const n = x.b * x.t;
  const rows = Array.from({ length: n }, (_, i) => x.logits.slice(i * x.v, (i + 1) * x.v));
  const probs = rows.map((r) => {
    const m = Math.max(...r);
    const e = r.map((zi) => Math.exp(zi - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((ei) => ei / s);
  });
  const w = probs.map((p) => (1 + -p.reduce((a, pi) => { const q = Math.min(1, Math.max(1e-8, pi)); return a + q * Math.log(q); }, 0)) ** gamma);
  const valid = x.targets.map((t) => (t >= 0 ? 1 : 0));
  const P = Math.max(1, valid.reduce((a: number, b) => a + b, 0));
  const meanW = w.reduce((a, wi, i) => a + wi * valid[i], 0) / P;
  return probs.flatMap((p, i) => p.map((pi, v) => (valid[i] ? ((w[i] / meanW) * (pi - (v === x.targets[i] ? 1 : 0))) / P : 0)));
}

test('mile: for any logits and targets, the gradient equals alpha * w * (softmax - onehot) / P with w held constant', async () => {
  await initBackend('cpu');
  fc.assert(fc.property(batch, fc.constantFrom(0.5, 1, 2), (x, gamma) => {
    const { grad } = lossAndGrad(mile(gamma), x);
    const expected = closedFormGradient(x, gamma);
    return expected.every((g, i) => Math.abs(g - grad[i]) <= 1e-5 + 1e-3 * Math.abs(g));
  }), { numRuns: 40 });
});

test('mile: for any logits, adding a constant to every logit of a row changes neither loss nor gradient', async () => {
  await initBackend('cpu');
  fc.assert(fc.property(batch, fc.double({ min: -5, max: 5, noNaN: true }), (x, shift) => {
    const shifted = { ...x, logits: x.logits.map((z, k) => z + shift * (1 + (Math.floor(k / x.v) % 3))) }; // a different constant per row
    const a = lossAndGrad(mile(1), x);
    const b = lossAndGrad(mile(1), shifted);
    return Math.abs(a.loss[0] - b.loss[0]) <= 1e-4 * (1 + Math.abs(a.loss[0])) && a.grad.every((g, i) => Math.abs(g - b.grad[i]) <= 1e-5);
  }), { numRuns: 30 });
});

test('mile: for any logits, permuting positions (rows of the flattened batch) leaves the loss unchanged', async () => {
  await initBackend('cpu');
  fc.assert(fc.property(batch.chain((x) => fc.record({ x: fc.constant(x), perm: fc.shuffledSubarray(Array.from({ length: x.b * x.t }, (_, i) => i), { minLength: x.b * x.t, maxLength: x.b * x.t }) })), ({ x, perm }) => {
    const permuted: Batch = {
      ...x,
      logits: perm.flatMap((p) => x.logits.slice(p * x.v, (p + 1) * x.v)),
      targets: perm.map((p) => x.targets[p]),
    };
    const a = lossAndGrad(mile(1), x).loss[0];
    const b = lossAndGrad(mile(1), permuted).loss[0];
    return Math.abs(a - b) <= 1e-5 * (1 + Math.abs(a));
  }), { numRuns: 30 });
});

test('mile: for any logits whose rows are permutations of one row (equal entropies), MiLe equals cross-entropy', async () => {
  await initBackend('cpu');
  const input = fc.integer({ min: 2, max: 6 }).chain((v) => fc.record({
    row: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: v, maxLength: v }),
    t: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  }));
  fc.assert(fc.property(input, ({ row, t, seed }) => {
    const v = row.length;
    const logits = Array.from({ length: t }, (_, i) => row.map((_, k) => row[(k + i + seed) % v])).flat();
    const x: Batch = { b: 1, t, v, logits, targets: Array.from({ length: t }, (_, i) => (i * 7 + seed) % v) };
    const a = lossAndGrad(mile(2), x).loss[0];
    const b = lossAndGrad(ce, x).loss[0];
    return Math.abs(a - b) <= 1e-5 * (1 + Math.abs(b));
  }), { numRuns: 30 });
});
