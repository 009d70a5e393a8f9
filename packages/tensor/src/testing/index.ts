import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '#tfjs';
import type { LanguageModel, ModelFactory, TrainingSnapshots } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { initBackend } from '../backend/select.js';
import { trainModel } from '../train/trainer.js';
import { countParameters, ParameterFactory } from '../nn/init.js';
import { DenseFeedForward } from '../nn/blocks.js';
import { crossEntropyLoss } from '../train/cross-entropy.js';
import type { RoutedLayerOptions } from '../nn/moe.js';

/**
 * Asserts |actual - expected| <= tol (1 + |expected|) elementwise, naming the first element that is
 * not: the check two computations of the same value (a fast path and its reference) share.
 */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  assertWithin(actual, expected, what, (i) => tol * (1 + Math.abs(expected[i])));
}

/**
 * Asserts |actual - expected| <= tol (1 + max |expected|) elementwise: for gradients, where an entry
 * that is a small difference of large terms carries float32 rounding of the terms' size, so two
 * correct computations can differ by more than `tol` of the entry but never of the gradient's scale.
 */
export function assertCloseToScale(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  const scale = Math.max(0, ...Array.from(expected, Math.abs));
  assertWithin(actual, expected, what, () => tol * (1 + scale), ` (largest entry ${scale})`);
}

function assertWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, bound: (i: number) => number, note = ''): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= bound(i), `${what}[${i}]: ${actual[i]}, expected ${expected[i]}${note}`);
  }
}

/** A tiny training request for contract tests (byte tokenizer, a few steps). */
export function tinyRequest(factory: ModelFactory<any>, config: Record<string, unknown>, steps = 3, seed = 0) {
  const tokenizer = byteTokenizer();
  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
  const stream = tokenizer.encode(text);
  return {
    model: factory, modelConfig: config, tokenizer, trainTokens: stream, validTokens: stream, oodTokens: stream,
    tokenCounts: new Float64Array(tokenizer.vocabSize),
    loss: crossEntropyLoss,
    lossConfig: {},
    budget: { steps, batchSize: 2, seqLen: 16, learningRate: 3e-3, warmupSteps: 1, weightDecay: 0.1, checkpoints: 1 },
    seed,
  };
}

/**
 * The contract suite every model plugin passes: analytic params equal the counted variables, the
 * same seed gives the same logits, a causal model's position t ignores later tokens, the tensor
 * count stays flat over training steps, and per-token perplexity is >= 1.
 */
export function describeModelContract(factory: ModelFactory<any>, config: Record<string, unknown>, backend: 'cpu' | 'wasm' = 'cpu'): void {
  const context = { vocabSize: 257, seqLen: 16, seed: 1 };
  const build = (): LanguageModel => factory.create(config, context);

  test(`${factory.id} contract: params().total equals the counted variables`, async () => {
    await initBackend(backend);
    const model = build();
    assert.equal(model.params().total, countParameters(model.variables as tf.Variable[]));
    assert.ok(model.params().active <= model.params().total);
    model.dispose();
  });

  test(`${factory.id} contract: the same seed gives identical logits; causal outputs ignore later tokens`, async () => {
    await initBackend(backend);
    const [a, b] = [build(), build()];
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]], [2, 6], 'int32');
    const changed = tf.tensor2d([[1, 2, 3, 99, 98, 97], [7, 8, 9, 10, 11, 12]], [2, 6], 'int32');
    const la = a.forward(ids, { training: false }).logits.arraySync() as number[][][];
    const lb = b.forward(ids, { training: false }).logits.arraySync() as number[][][];
    assert.deepEqual(la, lb);
    if (a.kind === 'causal') {
      const lc = a.forward(changed, { training: false }).logits.arraySync() as number[][][];
      for (let t = 0; t < 3; t++) lc[0][t].forEach((v, i) => assert.ok(Math.abs(v - la[0][t][i]) < 1e-5));
    }
    tf.dispose([ids, changed]);
    a.dispose();
    b.dispose();
  });

  test(`${factory.id} contract: the tensor count is flat over training steps`, async () => {
    await initBackend(backend);
    const counts: number[] = [];
    const request = tinyRequest(factory, config, 1);
    const model = build();
    for (let i = 0; i < 3; i++) {
      await trainModel({ ...request, budget: { ...request.budget, steps: 2 } }, model);
      counts.push(tf.memory().numTensors);
    }
    model.dispose();
    assert.equal(counts[1], counts[0], `tensors grew: ${counts}`);
    assert.equal(counts[2], counts[0], `tensors grew: ${counts}`);
  });

  test(`${factory.id} contract: training resumed from its snapshot after any step ends with the same bits as training never stopped`, async () => {
    await initBackend(backend);
    const request = tinyRequest(factory, config, 4);
    const budget = { ...request.budget, checkpoints: 2 }; // a validation pass mid-training (routing probes, stats)
    const run = async (snapshots?: TrainingSnapshots) => {
      const model = build();
      const { record } = await trainModel({ ...request, budget, snapshots }, model);
      const weights = model.variables.map((v) => Array.from(v.dataSync()));
      model.dispose();
      const { wallSeconds, ...rest } = record;
      void wallSeconds;
      return { weights, record: rest };
    };
    const saved: Uint8Array[] = [];
    const never = await run();
    const saving = await run({ everySeconds: 0, load: () => undefined, save: (encode) => saved.push(encode()), discard: (why) => assert.fail(why) });
    assert.deepEqual(saving, never, 'saving snapshots changed the training');
    assert.equal(saved.length, budget.steps - 1, 'a snapshot after every step but the last');
    for (const [i, bytes] of saved.entries()) {
      const resumed = await run({ everySeconds: 3600, load: () => bytes, save: () => {}, discard: (why) => assert.fail(why) });
      assert.deepEqual(resumed, never, `resumed after step ${i + 1}`);
    }
  });

  test(`${factory.id} contract: training loss is finite and validation perplexity >= 1`, async () => {
    await initBackend(backend);
    const model = build();
    const { record } = await trainModel(tinyRequest(factory, config, 4), model);
    assert.ok(record.trainLoss.length > 0);
    model.dispose();
    assert.ok(record.trainLoss.every((p) => Number.isFinite(p.value)));
    // at initialisation the model is near uniform: the first loss is close to ln V, never ~0
    assert.ok((record.trainLoss[0].value ?? Number.NaN) > 0.5 * Math.log(257), `first loss ${record.trainLoss[0].value} is far below ln V`);
    assert.ok(record.validLoss.every((p) => p.value !== null && Math.exp(p.value) >= 1));
  });
}

/**
 * Token activations for layer properties: 1..maxRows rows of `dModel` values in [-3, 3] on a
 * 0.01 grid (exact in float32, so properties compare without rounding noise).
 */
export function tokenRows(dModel: number, maxRows = 6): fc.Arbitrary<number[][]> {
  return fc.integer({ min: 1, max: maxRows }).chain((n) =>
    fc.array(fc.array(fc.integer({ min: -300, max: 300 }).map((v) => v / 100), { minLength: dModel, maxLength: dModel }), { minLength: n, maxLength: n }),
  );
}

/**
 * Options of a small routed layer for property tests: d 8, four SwiGLU experts of width 4, top-1,
 * no shared expert, the conventional 0.01 balance coefficient; `overrides` replace any of them.
 */
export function smallRoutedLayer(overrides: Partial<RoutedLayerOptions> = {}): RoutedLayerOptions {
  return {
    dModel: 8,
    experts: 4,
    topK: 1,
    expertHidden: 4,
    sharedExperts: 0,
    sharedHidden: 4,
    sharedMix: 'none',
    balanceCoefficient: 0.01,
    initStd: 0.5,
    outStd: 0.1,
    ...overrides,
  };
}

/** One case of the partition identity: d, n experts of hidden width `width` each, the non-linearity, a seed. */
export interface PartitionCase {
  readonly d: number;
  readonly experts: number;
  readonly width: number;
  readonly activation: 'swiglu' | 'relu';
  readonly seed: number;
}

/** An FFN split into experts along its hidden width: its fused weights (dense layout) and the per-expert outputs [n, N, d]. */
export interface PartitionedFfn {
  readonly wIn: tf.Variable;
  readonly wOut: tf.Variable;
  expertOutputs(x: tf.Tensor2D): tf.Tensor;
}

/**
 * The partition identity as a property (DSMoE eq. 6; Finedeep with one sub-layer): for any case,
 * the experts' outputs summed over experts equal the dense FFN with the same weights on random
 * tokens, within float32 rounding. `build` makes the layer with the given factory; every variable
 * of the case is disposed after it.
 */
export function checkPartitionIdentity(
  build: (params: ParameterFactory, c: PartitionCase) => PartitionedFfn,
  options: { readonly maxExperts: number; readonly activations?: readonly PartitionCase['activation'][]; readonly numRuns?: number },
): void {
  const input = fc.record({
    d: fc.integer({ min: 2, max: 6 }),
    experts: fc.integer({ min: 1, max: options.maxExperts }),
    width: fc.integer({ min: 1, max: 3 }),
    activation: fc.constantFrom(...(options.activations ?? (['swiglu', 'relu'] as const))),
    seed: fc.integer({ min: 1, max: 1000 }),
    rows: fc.integer({ min: 1, max: 4 }),
  });
  fc.assert(
    fc.property(input, ({ rows, ...c }) => {
      const params = new ParameterFactory(c.seed);
      const ffn = build(params, c);
      const dense = new DenseFeedForward(params.scope('dense'), c.d, c.experts * c.width, c.activation, 0.5, 0.5);
      dense.wIn.assign(ffn.wIn);
      dense.wOut.assign(ffn.wOut);
      const [sum, reference] = tf.tidy(() => {
        const x = tf.randomNormal([rows, c.d], 0, 1, 'float32', c.seed) as tf.Tensor2D;
        return [tf.sum(ffn.expertOutputs(x), 0).arraySync() as number[][], dense.apply(x).y.arraySync() as number[][]];
      });
      params.variables.forEach((v) => v.dispose());
      return sum.every((row, i) => row.every((v, j) => Math.abs(v - reference[i][j]) <= 1e-5 * (1 + Math.abs(reference[i][j]))));
    }),
    { numRuns: options.numRuns ?? 25 },
  );
}
