import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import * as native from '@labbench/tensor-native';
import { fusedSwiGlu, swigluGradRows, swigluRows } from '../../src/backend/kernels/swiglu.js';
import { close, onEachBackend, valueAndGrads } from './helpers.js';

const composed = (x: tf.Tensor) => {
  const [a, b] = tf.split(x, 2, 1);
  return tf.mul(tf.mul(a, tf.sigmoid(a)), b);
};

test('LabbenchSwiGlu and its gradient equal split + silu(gate) * value on wasm (native loops) and cpu', async () => {
  await onEachBackend((backend) => {
    // pure wasm (no addon) composes stock kernels: the JS loop measured slower there
    if (!tf.getKernel('LabbenchSwiGlu', backend)) return assert.equal(backend, 'wasm');
    const shapes = fc.record({ n: fc.integer({ min: 1, max: 20 }), f: fc.integer({ min: 1, max: 40 }), seed: fc.nat(1000), scale: fc.constantFrom(0.1, 1, 8) });
    fc.assert(fc.property(shapes, ({ n, f, seed, scale }) => {
      const x = tf.mul(tf.randomNormal([n, 2 * f], 0, 1, 'float32', seed), scale);
      const fused = valueAndGrads((a) => fusedSwiGlu(a as tf.Tensor2D)!, [x], seed + 1);
      const want = valueAndGrads(composed, [x], seed + 1);
      x.dispose();
      return close(fused.value, want.value, 1e-4) && close(fused.grads[0], want.grads[0], 1e-3);
    }), { numRuns: 25 });
    assert.ok(tf.getKernel('LabbenchSwiGlu', backend));
  });
});

test(`swiglu row loops: ${native.available ? 'the native ones equal the JS ones, and give the same bits on 1 and 2 threads' : 'JS only (addon not built)'}`, () => {
  if (!native.binding) return;
  const b = native.binding;
  fc.assert(fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 300 }), fc.nat(), (rows, f, seed) => {
    const rand = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => 6 * Math.sin(i * 12.9898 + s * 78.233 + seed));
    const [x, dy] = [rand(rows * 2 * f, 1), rand(rows * f, 2)];
    const run = (threads: number) => {
      b.setThreads(threads);
      const [y, dx] = [new Float32Array(rows * f), new Float32Array(rows * 2 * f)];
      b.swiglu(x, y, rows, f);
      b.swigluGrad(dy, x, dx, rows, f);
      return [y, dx];
    };
    const one = run(1);
    const two = run(2);
    const js = [new Float32Array(rows * f), new Float32Array(rows * 2 * f)];
    swigluRows(x, js[0], rows, f);
    swigluGradRows(dy, x, js[1], rows, f);
    return one.every((a, i) => Buffer.compare(Buffer.from(a.buffer), Buffer.from(two[i].buffer)) === 0) && one.every((a, i) => close(a, js[i], 1e-5));
  }), { numRuns: 40 });
  b.setThreads(2);
});
