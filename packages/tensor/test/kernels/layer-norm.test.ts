import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import * as native from '@labbench/tensor-native';
import { fusedLayerNorm, layerNormGradRows, layerNormRows } from '../../src/backend/kernels/layer-norm.js';
import { close, onEachBackend, valueAndGrads } from './helpers.js';

const composed = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
};

test('LabbenchLayerNorm and its gradient equal the composed LayerNorm (value, d x, d gain, d bias) on wasm and cpu', async () => {
  await onEachBackend((backend) => {
    const shapes = fc.record({ outer: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }), d: fc.integer({ min: 2, max: 40 }), seed: fc.nat(1000), shift: fc.constantFrom(0, 3) });
    fc.assert(fc.property(shapes, ({ outer, d, seed, shift }) => {
      const x = tf.add(tf.randomNormal([...outer, d], 0, 1, 'float32', seed), shift);
      const g = tf.randomNormal([d], 1, 0.5, 'float32', seed + 1);
      const b = tf.randomNormal([d], 0, 0.5, 'float32', seed + 2);
      const fused = valueAndGrads((p, q, r) => fusedLayerNorm(p, q, r, 1e-5)!, [x, g, b], seed + 3);
      const want = valueAndGrads(composed, [x, g, b], seed + 3);
      tf.dispose([x, g, b]);
      return close(fused.value, want.value, 1e-4) && fused.grads.every((gr, i) => close(gr, want.grads[i], 2e-3));
    }), { numRuns: 25 });
    assert.ok(tf.getKernel('LabbenchLayerNorm', backend));
  });
});

test(`layerNorm row loops: ${native.available ? 'the native ones equal the JS ones, and give the same bits on 1 and 2 threads' : 'JS only (addon not built)'}`, () => {
  if (!native.binding) return;
  const b = native.binding;
  fc.assert(fc.property(fc.integer({ min: 1, max: 900 }), fc.integer({ min: 2, max: 300 }), fc.nat(), (rows, cols, seed) => {
    const rand = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s * 78.233 + seed) + 0.5);
    const [x, g, bias, dy] = [rand(rows * cols, 1), rand(cols, 2), rand(cols, 3), rand(rows * cols, 4)];
    const fresh = () => [new Float32Array(rows * cols), new Float32Array(rows), new Float32Array(rows), new Float32Array(rows * cols), new Float32Array(cols), new Float32Array(cols)];
    const run = (threads: number) => {
      b.setThreads(threads);
      const [y, mean, rstd, dx, dg, db] = fresh();
      b.layerNorm(x, g, bias, y, mean, rstd, rows, cols, 1e-5);
      b.layerNormGrad(dy, x, g, mean, rstd, dx, dg, db, rows, cols);
      return [y, mean, rstd, dx, dg, db];
    };
    const one = run(1);
    const two = run(2);
    const js = fresh();
    layerNormRows(x, g, bias, js[0], js[1], js[2], rows, cols, 1e-5);
    layerNormGradRows(dy, x, g, js[1], js[2], js[3], js[4], js[5], rows, cols);
    return one.every((a, i) => Buffer.compare(Buffer.from(a.buffer), Buffer.from(two[i].buffer)) === 0) && one.every((a, i) => close(a, js[i], 2e-3));
  }), { numRuns: 40 });
  b.setThreads(2);
});
