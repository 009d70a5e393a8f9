import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import * as native from '@labbench/tensor-native';
import { attentionSoftmaxGradRows, fusedAttentionSoftmax } from '../../src/backend/kernels/attention-softmax.js';
import { causalMask } from '../../src/nn/blocks.js';
import { close, onEachBackend, valueAndGrads } from './helpers.js';

test('LabbenchAttentionSoftmax and its gradient equal softmax(scale * scores + causal mask) on wasm and cpu, causal or not', async () => {
  await onEachBackend((backend) => {
    const shapes = fc.record({ b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 3 }), t: fc.integer({ min: 1, max: 24 }), causal: fc.boolean(), seed: fc.nat(1000), scale: fc.constantFrom(0.125, 0.5, 3) });
    fc.assert(fc.property(shapes, ({ b, h, t, causal, seed, scale }) => {
      const s = tf.randomNormal([b, h, t, t], 0, 2, 'float32', seed);
      const composed = (x: tf.Tensor) => tf.softmax(causal ? tf.add(tf.mul(x, scale), causalMask(t)) : tf.mul(x, scale));
      const fused = valueAndGrads((x) => fusedAttentionSoftmax(x, scale, causal)!, [s], seed + 1);
      const want = valueAndGrads(composed, [s], seed + 1);
      s.dispose();
      return close(fused.value, want.value, 1e-5) && close(fused.grads[0], want.grads[0], 1e-3);
    }), { numRuns: 25 });
    assert.ok(tf.getKernel('LabbenchAttentionSoftmax', backend));
  });
});

test(`attention softmax row loops: ${native.available ? 'the native ones give the same bits on 1 and 2 threads, masked entries exactly 0, rows summing to 1' : 'JS only (addon not built)'}`, () => {
  if (!native.binding) return;
  const b = native.binding;
  fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 130 }), fc.boolean(), fc.nat(), (heads, t, causal, seed) => {
    const rows = heads * t;
    const rand = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => 4 * Math.sin(i * 12.9898 + s * 78.233 + seed));
    const [s, dy] = [rand(rows * t, 1), rand(rows * t, 2)];
    const run = (threads: number) => {
      b.setThreads(threads);
      const [p, ds] = [new Float32Array(rows * t), new Float32Array(rows * t)];
      b.attentionSoftmax(s, p, rows, t, t, 0.3, causal);
      b.attentionSoftmaxGrad(dy, p, ds, rows, t, 0.3);
      return [p, ds];
    };
    const one = run(1);
    const two = run(2);
    const js = new Float32Array(rows * t);
    attentionSoftmaxGradRows(dy, one[0], js, rows, t, 0.3);
    const p = one[0];
    const rowsOk = Array.from({ length: rows }, (_, r) => {
      const row = p.subarray(r * t, (r + 1) * t);
      const sum = row.reduce((a, v) => a + v, 0);
      return Math.abs(sum - 1) < 1e-5 && (!causal || row.subarray((r % t) + 1).every((v) => v === 0));
    }).every(Boolean);
    return rowsOk && one.every((a, i) => Buffer.compare(Buffer.from(a.buffer), Buffer.from(two[i].buffer)) === 0) && close(one[1], js, 1e-4);
  }), { numRuns: 40 });
  b.setThreads(2);
});
