import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import * as native from '@labbench/tensor-native';
import { fusedRmsNorm, rmsNormGradRows, rmsNormRows } from '../../src/backend/kernels/rms-norm.js';
import { close, onEachBackend, valueAndGrads } from './helpers.js';

const composed = (x: tf.Tensor, g: tf.Tensor) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5))), g);

test('LabbenchRmsNorm and its gradient equal the composed RMSNorm (value, d x, d gain) on wasm and cpu, ranks 1-3', async () => {
  await onEachBackend((backend) => {
    const shapes = fc.record({ outer: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }), d: fc.integer({ min: 1, max: 40 }), seed: fc.nat(1000), scale: fc.constantFrom(0.01, 1, 30) });
    fc.assert(fc.property(shapes, ({ outer, d, seed, scale }) => {
      const x = tf.mul(tf.randomNormal([...outer, d], 0, 1, 'float32', seed), scale);
      const g = tf.randomNormal([d], 1, 0.5, 'float32', seed + 1);
      const fused = valueAndGrads((a, b) => fusedRmsNorm(a, b, 1e-5)!, [x, g], seed + 2);
      const want = valueAndGrads(composed, [x, g], seed + 2);
      tf.dispose([x, g]);
      return close(fused.value, want.value) && fused.grads.every((gr, i) => close(gr, want.grads[i], 2e-3));
    }), { numRuns: 25 });
    assert.ok(tf.getKernel('LabbenchRmsNorm', backend));
  });
});

test(`rmsNorm row loops: ${native.available ? 'the native ones equal the JS ones, and give the same bits on 1 and 2 threads' : 'JS only (addon not built)'}`, () => {
  if (!native.binding) return;
  const b = native.binding;
  fc.assert(fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 300 }), fc.nat(), (rows, cols, seed) => {
    const rand = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s * 78.233 + seed));
    const [x, g, dy] = [rand(rows * cols, 1), rand(cols, 2), rand(rows * cols, 3)];
    const run = (threads: number) => {
      b.setThreads(threads);
      const [y, rinv, dx, dg] = [new Float32Array(rows * cols), new Float32Array(rows), new Float32Array(rows * cols), new Float32Array(cols)];
      b.rmsNorm(x, g, y, rinv, rows, cols, 1e-5);
      b.rmsNormGrad(dy, x, g, rinv, dx, dg, rows, cols);
      return [y, rinv, dx, dg];
    };
    const one = run(1);
    const two = run(2);
    const js = [new Float32Array(rows * cols), new Float32Array(rows), new Float32Array(rows * cols), new Float32Array(cols)];
    rmsNormRows(x, g, js[0], js[1], rows, cols, 1e-5);
    rmsNormGradRows(dy, x, g, js[1], js[2], js[3], rows, cols);
    return one.every((a, i) => Buffer.compare(Buffer.from(a.buffer), Buffer.from(two[i].buffer)) === 0) && one.every((a, i) => close(a, js[i], 1e-3));
  }), { numRuns: 40 });
  b.setThreads(2);
});
