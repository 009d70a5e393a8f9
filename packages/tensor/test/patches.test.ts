import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initBackend, tf } from '../src/index.js';

/** Runs f on the cpu backend and on wasm (patched) and returns both results. */
async function onBoth(f: () => tf.Tensor): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend('cpu');
  const cpu = tf.tidy(f).dataSync() as Float32Array;
  await initBackend('wasm');
  const wasm = tf.tidy(f).dataSync() as Float32Array;
  return [cpu, wasm];
}

const close = (a: Float32Array, b: Float32Array, tol = 1e-4) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(v)));

test('wasm BatchMatMul patch: for any shapes (ranks 2-4, batch 1, odd sizes) and transposes, equals the cpu kernel', async () => {
  const shapes = fc.record({ batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), m: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), ta: fc.boolean(), tb: fc.boolean(), seed: fc.nat(1000) });
  await fc.assert(fc.asyncProperty(shapes, async ({ batch, m, k, n, ta, tb, seed }) => {
    const a = [...batch, ...(ta ? [k, m] : [m, k])];
    const b = [...batch, ...(tb ? [n, k] : [k, n])];
    const [cpu, wasm] = await onBoth(() => tf.matMul(tf.randomNormal(a, 0, 1, 'float32', seed + 1), tf.randomNormal(b, 0, 1, 'float32', seed + 2), ta, tb));
    return close(cpu, wasm);
  }), { numRuns: 40 });
});

test('wasm UnsortedSegmentSum patch: embedding gradients equal the cpu backend', async () => {
  const f = () => tf.grad((table: tf.Tensor) => tf.sum(tf.mul(tf.gather(table, tf.tensor1d([0, 2, 2, 1, 0], 'int32')), tf.range(0, 15).reshape([5, 3]))))(tf.ones([4, 3]));
  const [cpu, wasm] = await onBoth(f);
  assert.ok(close(cpu, wasm), `${cpu} vs ${wasm}`);
});

test('oneHotFloat: equals the cpu backend on wasm (the stock float32 OneHot writes integer bits there)', async () => {
  const { oneHotFloat } = await import('../src/index.js');
  const [cpu, wasm] = await onBoth(() => oneHotFloat(tf.tensor1d([2, 0, -1, 5], 'int32'), 4));
  assert.deepEqual(Array.from(wasm), Array.from(cpu));
  assert.deepEqual(Array.from(cpu), [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});
