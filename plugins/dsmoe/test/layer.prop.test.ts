import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecoderLM, DenseFeedForward, ParameterFactory, decoderDefaults, initBackend, tf, type BlockContext } from '@labbench/tensor';
import { checkPartitionIdentity } from '@labbench/tensor/testing';
import { DsmoeFeedForward, DsmoeLM, dsmoeDefaults, dsmoeModel, type DsmoeConfig } from '../src/index.js';

const blockContext = (training: boolean): BlockContext => ({ layer: 0, training, tokenIds: tf.tensor1d([0], 'int32'), batch: 1, time: 1, shared: new Map() });

test('PartitionedFfn: for any d, n dividing D and x, the n expert outputs sum to the dense FFN (eq. 6)', async () => {
  await initBackend('cpu');
  checkPartitionIdentity(
    (params, { d, experts, width, activation }) => {
      const c: DsmoeConfig = { ...dsmoeDefaults, dModel: d, ffnHidden: experts * width, experts, activation, layers: 1 };
      const { ffn } = new DsmoeFeedForward(params, c, 0.5, 0.5, { lambda: 1 });
      return { wIn: ffn.wIn, wOut: ffn.wOut, expertOutputs: (x) => ffn.expertOutputs(x) };
    },
    { maxExperts: 8 },
  );
});

test('DsmoeFeedForward: experts inactive for every token get exactly zero weight gradient while their gates get a non-zero one (STE)', async () => {
  await initBackend('cpu');
  const d = 4;
  const n = 4;
  const width = 2;
  const c: DsmoeConfig = { ...dsmoeDefaults, dModel: d, ffnHidden: n * width, experts: n, layers: 1 };
  const params = new ParameterFactory(7);
  const ffn = new DsmoeFeedForward(params, c, 0.5, 0.5, { lambda: 1 });
  // x > 0 everywhere; Y[:, 0] < 0 makes expert 0 inactive (q < 0.5) for every token, the others active
  ffn.gate.assign(
    tf.tensor2d([
      [-1, 1, 1, 1],
      [-1, 1, 1, 1],
      [-1, 1, 1, 1],
      [-1, 1, 1, 1],
    ]),
  );
  const x = tf.randomUniform([6, d], 0.1, 1, 'float32', 3) as tf.Tensor2D;
  const upstream = tf.randomNormal([6, d], 0, 1, 'float32', 4);
  const ctx = blockContext(true);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(ffn.apply(x, ctx).y, upstream)) as tf.Scalar, [ffn.ffn.wIn, ffn.ffn.wOut, ffn.gate]);
  const D = n * width;
  const gIn = grads[ffn.ffn.wIn.name].arraySync() as number[][]; // [d, 2D]
  const gOut = grads[ffn.ffn.wOut.name].arraySync() as number[][]; // [D, d]
  const gGate = grads[ffn.gate.name].arraySync() as number[][]; // [d, n]
  for (let j = 0; j < width; j++) {
    for (let i = 0; i < d; i++) {
      assert.equal(gIn[i][j], 0, 'gate projection of the inactive expert');
      assert.equal(gIn[i][D + j], 0, 'up projection of the inactive expert');
      assert.equal(gOut[j][i], 0, 'down projection of the inactive expert');
    }
  }
  assert.ok(
    gIn.some((row) => row.slice(width, D).some((v) => v !== 0)),
    'active experts do learn',
  );
  assert.ok(
    gGate.some((row) => row[0] !== 0),
    "the inactive expert's gate gets a gradient through the STE",
  );
  tf.dispose([x, upstream, ctx.tokenIds]);
  tf.dispose(grads);
  params.variables.forEach((v) => v.dispose());
});

test('DsmoeFeedForward: for any gates, the literal sparsity loss is >= 0 and is 0 exactly when no gate exceeds tau', async () => {
  await initBackend('cpu');
  const input = fc.record({ seed: fc.integer({ min: 1, max: 500 }), shift: fc.double({ min: -6, max: 6, noNaN: true }) });
  fc.assert(
    fc.property(input, ({ seed, shift }) => {
      const d = 3;
      const c: DsmoeConfig = { ...dsmoeDefaults, dModel: d, ffnHidden: 8, experts: 4, layers: 1 };
      const params = new ParameterFactory(seed);
      const ffn = new DsmoeFeedForward(params, c, 0.5, 0.5, { lambda: 1 });
      const ctx = blockContext(true);
      const [aux, anyActive] = tf.tidy(() => {
        const x = tf.add(tf.randomNormal([5, d], 0, 1, 'float32', seed), shift) as tf.Tensor2D;
        const q = tf.sigmoid(tf.matMul(x, ffn.gate as tf.Tensor2D));
        return [ffn.apply(x, ctx).aux!.dataSync()[0], tf.any(tf.greater(q, 0.5)).dataSync()[0] === 1];
      });
      ctx.tokenIds.dispose();
      params.variables.forEach((v) => v.dispose());
      return aux >= 0 && (aux === 0) === !anyActive;
    }),
    { numRuns: 30 },
  );
});

test('dsmoe: parameters = dense + L d n; topk activates k/n of the FFN; prune keeps the slices with the largest ||W_d||', async () => {
  await initBackend('cpu');
  const context = { vocabSize: 30, seqLen: 8, seed: 2 };
  const size = { dModel: 8, layers: 2, heads: 2, ffnHidden: 16 };
  const dense = new DecoderLM({ ...decoderDefaults, ...size, seqLen: 8 }, context);
  const model = dsmoeModel.create({ ...size, experts: 4 }, context);
  assert.equal(model.params().total, dense.params().total + size.layers * size.dModel * 4);
  const topk = dsmoeModel.create({ ...size, experts: 4, topK: 1, variant: 'topk' }, context);
  assert.equal(topk.params().total - topk.params().active, (size.layers * (3 * 8 * 16 * 3)) / 4);
  // make slice 2 of layer 0 the largest: it must be kept, in place
  const wOut = dense.variables.find((v) => v.name.endsWith('layer0.ffn.wOut'))!;
  tf.tidy(() => wOut.assign(tf.concat([tf.slice(wOut, [0, 0], [8, 8]), tf.mul(tf.slice(wOut, [8, 0], [4, 8]), 100), tf.slice(wOut, [12, 0], [4, 8])], 0)));
  const pruned = dsmoeModel.create({ ...size, experts: 4, pruneKeep: 1, variant: 'prune' }, { ...context, initFrom: dense }) as DsmoeLM;
  const kept = pruned.variables.find((v) => v.name.endsWith('layer0.ffn.wOut'))!;
  assert.deepEqual(kept.shape, [4, 8]);
  assert.deepEqual(kept.arraySync(), tf.slice(wOut, [8, 0], [4, 8]).arraySync());
  for (const m of [dense, model, topk, pruned]) m.dispose();
});

test('dsmoe: training passes steer lambda up when more than the target share of experts is active', async () => {
  await initBackend('cpu');
  const context = { vocabSize: 30, seqLen: 8, seed: 2 };
  // gate init std 0 puts every q at exactly 0.5 = tau: nothing active, so lambda must fall
  const idle = dsmoeModel.create({ dModel: 8, layers: 1, heads: 2, ffnHidden: 16, experts: 4, gateInitStd: 0 }, context) as DsmoeLM;
  const ids = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
  tf.tidy(() => {
    idle.forward(ids, { training: true });
  });
  assert.ok(idle.control.lambda < 1, `lambda ${idle.control.lambda}`);
  const busy = dsmoeModel.create({ dModel: 8, layers: 1, heads: 2, ffnHidden: 16, experts: 4, sparsityTarget: 0.01 }, context) as DsmoeLM;
  tf.tidy(() => {
    busy.forward(ids, { training: true });
  });
  assert.ok(busy.control.lambda > 1, `lambda ${busy.control.lambda}`);
  ids.dispose();
  idle.dispose();
  busy.dispose();
});
