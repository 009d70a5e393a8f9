import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initBackend, tf } from '../../src/index.js';
import { setWasmKernels } from '../../src/backend/select.js';
import { composedCrossEntropy, softmaxCrossEntropy } from '../../src/ops/index.js';
import { close, wasm } from './parity.js';

/** Parity of the `softmax-cross-entropy` kernel (packages/tensor/src/backend/kernels/softmax-cross-entropy.ts) against the stock or cpu kernel. */

const ceInput = fc.record({
  // tf.oneHot (inside the reference) needs depth >= 2
  rows: fc.integer({ min: 1, max: 7 }), cols: fc.integer({ min: 2, max: 40 }), seed: fc.nat(1000), scale: fc.constantFrom(1, 10, 60),
  pad: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
});

function crossEntropyCase(rows: number, cols: number, seed: number, scale: number, pad: boolean[]) {
  const logits = tf.mul(tf.randomNormal([rows, cols], 0, 1, 'float32', seed + 1), scale) as tf.Tensor2D;
  const ids = Array.from({ length: rows }, (_, r) => (pad[r] ? -1 : (seed * 7 + r * 13) % cols));
  const targets = tf.tensor1d(ids, 'int32');
  const loss = (f: typeof softmaxCrossEntropy) => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(logitsVar, targets), tf.range(1, rows + 1))) as tf.Scalar, [logitsVar]);
    const out = { loss: value.dataSync()[0], nll: f(logitsVar, targets).dataSync(), grad: grads[logitsVar.name].dataSync() as Float32Array };
    tf.dispose([value, grads]);
    return out;
  };
  const logitsVar = tf.variable(logits);
  logits.dispose();
  const fused = loss(softmaxCrossEntropy);
  const composed = loss(composedCrossEntropy);
  tf.dispose([logitsVar, targets]);
  return { fused, composed };
}

for (const backendName of ['wasm', 'cpu'] as const) {
  test(`softmaxCrossEntropy (fused kernel on ${backendName}) equals log-softmax + one-hot from stock ops: losses and gradients, padding rows zero`, async () => {
    await initBackend(backendName);
    await tf.setBackend(backendName);
    if (backendName === 'wasm') await setWasmKernels('patched');
    assert.ok(tf.getKernel('LabbenchSoftmaxCrossEntropy', backendName), 'the fused kernel is registered');
    fc.assert(fc.property(ceInput, ({ rows, cols, seed, scale, pad }) => {
      const { fused, composed } = crossEntropyCase(rows, cols, seed, scale, pad);
      pad.slice(0, rows).forEach((p, r) => p && assert.equal(fused.nll[r], 0));
      return close(Float32Array.from(fused.nll), Float32Array.from(composed.nll), 1e-4) && close(fused.grad, composed.grad, 1e-4);
    }), { numRuns: 30 });
  });
}
