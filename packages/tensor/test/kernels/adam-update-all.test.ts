import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { fusedAdamUpdateAll } from '../../src/backend/kernels/adam-update-all.js';
import { initBackend, loadNative, nativeThreads, setWasmKernels } from '../../src/backend/select.js';
import { adamUpdate } from '../../src/ops/index.js';

/**
 * Parity of LabbenchAdamUpdateAll (every variable's Adam(W) in one kernel call) with
 * LabbenchAdamUpdate called per variable: bit for bit (it runs that kernel), on cpu (JS loop) and
 * on wasm with the addon's loop (1 and 2 threads) where the addon is built.
 */
const bits = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer);

interface Input {
  shapes: number[][];
  decays: boolean[];
  seed: number;
  t: number;
  lr: number;
  scale: number;
}

const input: fc.Arbitrary<Input> = fc.record({
  shapes: fc.array(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
  decays: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  seed: fc.nat(1000),
  t: fc.integer({ min: 1, max: 50 }),
  lr: fc.constantFrom(1e-3, 3e-2),
  scale: fc.constantFrom(1, 0.25),
});

function matches({ shapes, decays, seed, t, lr, scale }: Input): boolean {
  return tf.tidy(() => {
    const make = (k: number) => shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', seed + 10 * i + k));
    const [xs, gs, ms] = [make(1), make(2), make(3)];
    const vs = make(4).map((v) => tf.abs(v));
    const config = { learningRate: lr, beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, c1: 1 - 0.9 ** t, c2: 1 - 0.95 ** t, gradScale: scale };
    const weightDecays = shapes.map((_, i) => (decays[i] ? 0.1 : 0));
    const got = fusedAdamUpdateAll(xs, gs, ms, vs, config, weightDecays);
    assert.ok(got, 'the kernels are registered');
    return xs.every((x, i) => {
      const want = adamUpdate(x, gs[i], ms[i], vs[i], { ...config, weightDecay: weightDecays[i] });
      return want.every((w, j) => got[i][j].shape.join() === x.shape.join() && bits(got[i][j]).equals(bits(w)));
    });
  });
}

test('LabbenchAdamUpdateAll equals LabbenchAdamUpdate per variable, bit for bit (cpu; wasm with the addon on 1 and 2 threads)', async () => {
  await initBackend('cpu');
  await tf.setBackend('cpu');
  fc.assert(fc.property(input, matches), { numRuns: 25 });
  await initBackend('wasm');
  await tf.setBackend('wasm');
  if (await loadNative()) {
    await setWasmKernels('native');
    for (const threads of [1, 2]) {
      await nativeThreads(threads);
      fc.assert(fc.property(input, matches), { numRuns: 25 });
    }
    await setWasmKernels('patched');
  }
  // pure wasm has no Adam kernel (the composed ops measured faster): the optimiser updates variable by variable
  const z = tf.zeros([2]);
  assert.equal(
    fusedAdamUpdateAll([z], [z], [z], [z], { learningRate: 1, beta1: 0.9, beta2: 0.9, epsilon: 1e-8, weightDecay: 0, c1: 1, c2: 1, gradScale: 1 }, [0]),
    undefined,
  );
  z.dispose();
});
