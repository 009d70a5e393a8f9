import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { initBackend } from '../../src/backend/select.js';
import { stockWasmKernel } from '../../src/backend/registry.js';

test('wasm GatherV2 patch (row copies along axis 0) equals the stock kernel, bit for bit, for any table and ids', async () => {
  await initBackend('wasm');
  await tf.setBackend('wasm');
  const stock = stockWasmKernel('GatherV2')!;
  const patched = tf.getKernel('GatherV2', 'wasm')!;
  assert.notEqual(patched, stock);
  const cases = fc.record({ rows: fc.integer({ min: 1, max: 30 }), inner: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }), ids: fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), seed: fc.nat(100) });
  fc.assert(fc.property(cases, ({ rows, inner, ids, seed }) => {
    const x = tf.randomNormal([rows, ...inner], 0, 1, 'float32', seed);
    const idx = tf.tensor1d(ids.map((i) => i % rows), 'int32');
    const backend = tf.backend();
    const run = (k: tf.KernelConfig) => {
      const out = k.kernelFunc({ inputs: { x, indices: idx } as never, attrs: { axis: 0, batchDims: 0 } as never, backend }) as tf.TensorInfo;
      const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
      backend.disposeData(out.dataId);
      return { shape: out.shape, values };
    };
    const [got, want] = [run(patched), run(stock)];
    tf.dispose([x, idx]);
    assert.deepEqual(got.shape, want.shape);
    return Buffer.compare(Buffer.from(got.values.buffer), Buffer.from(want.values.buffer)) === 0;
  }), { numRuns: 40 });
});
