import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/index.js';
import { setWasmKernels } from '../../src/backend/select.js';
import { close, wasm } from './parity.js';

/** Switching the wasm kernel sets (stock, patched) in one process, as the benchmarks do. */

test('switching wasm kernel sets (stock, patched) keeps results and reports nativeKernels false', async () => {
  await wasm();
  const f = () => tf.tidy(() => tf.matMul(tf.randomNormal([3, 5, 4], 0, 1, 'float32', 3), tf.randomNormal([3, 6, 4], 0, 1, 'float32', 4), false, true).dataSync());
  const stockInfo = await setWasmKernels('stock');
  const a = f();
  const patchedInfo = await setWasmKernels('patched');
  const b = f();
  assert.equal(stockInfo.nativeKernels, false);
  assert.equal(patchedInfo.nativeKernels, false);
  assert.ok(close(Float32Array.from(b), Float32Array.from(a)));
});
