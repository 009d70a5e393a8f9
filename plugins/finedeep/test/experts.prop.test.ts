import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DenseFeedForward, ParameterFactory, initBackend, tf, type DecoderLM } from '@labbench/tensor';
import { assertAllClose, assertCloseToScale, checkPartitionIdentity } from '@labbench/tensor/testing';
import { ExpertSubLayer, FinedeepFeedForward, finedeepDefaults, finedeepModel, nsar, type FinedeepConfig, type NsarThreshold } from '../src/index.js';

const context = { vocabSize: 40, seqLen: 8, seed: 3 };
const ids = () =>
  tf.tensor2d(
    [
      [1, 5, 9, 2, 7, 3],
      [4, 4, 8, 1, 0, 6],
    ],
    [2, 6],
    'int32',
  );

test('ExpertSubLayer: for any d, K, D_e and x, with M = 1 the K experts sum to the dense FFN (partition identity)', async () => {
  await initBackend('cpu');
  checkPartitionIdentity(
    (params, { d, experts, width, activation }) => {
      const c: FinedeepConfig = { ...finedeepDefaults, dModel: d, ffnHidden: experts * width, subLayers: 1, expertsPerSubLayer: experts, activation };
      const sub = new ExpertSubLayer(params, c, 0, 0.5, 0.5);
      return { wIn: sub.wIn, wOut: sub.wOut, expertOutputs: (x) => sub.expertOutputs(sub.hidden(x).hidden) }; // [K, N, d]
    },
    { maxExperts: 4 },
  );
});

test('ExpertSubLayer: for any expert outputs, sum-normalised gates lie in [0, 1] and sum to 1 per token', async () => {
  await initBackend('cpu');
  const input = fc.record({ K: fc.integer({ min: 1, max: 5 }), rows: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 1, max: 1000 }) });
  fc.assert(
    fc.property(input, ({ K, rows, seed }) => {
      const d = 4;
      const c: FinedeepConfig = { ...finedeepDefaults, dModel: d, ffnHidden: K * 2, subLayers: 1, expertsPerSubLayer: K };
      const params = new ParameterFactory(seed);
      const sub = new ExpertSubLayer(params, c, 0, 1, 1);
      const g = tf.tidy(() => sub.gates(tf.randomNormal([K, rows, d], 0, 2, 'float32', seed) as tf.Tensor3D).arraySync() as number[][]);
      params.variables.forEach((v) => v.dispose());
      for (let t = 0; t < rows; t++) {
        const column = g.map((row) => row[t]);
        if (Math.abs(column.reduce((a, b) => a + b, 0) - 1) > 1e-5) return false;
        // in (0, 1) in exact arithmetic; float32 rounds a gate to 1 when the others' sigmoids are
        // below 2^-24 of its own (seed 231, K 2, 3 rows: the third token's gates are 1 and 1.09e-8)
        if (!column.every((v) => v >= 0 && v <= 1)) return false;
      }
      return true;
    }),
    { numRuns: 25 },
  );
});

test('ExpertSubLayer.apply: for any d, K, D_e, router, gate norm and activation, output and gradients equal the paper\'s form sum_k g_k(e) e_k', async () => {
  await initBackend('cpu');
  const input = fc.record({
    d: fc.integer({ min: 1, max: 6 }),
    K: fc.integer({ min: 1, max: 5 }),
    De: fc.integer({ min: 1, max: 4 }),
    rows: fc.integer({ min: 1, max: 5 }),
    router: fc.constantFrom('per-expert' as const, 'shared' as const),
    gateNorm: fc.constantFrom('sum' as const, 'none' as const),
    activation: fc.constantFrom('swiglu' as const, 'relu' as const),
    seed: fc.integer({ min: 1, max: 1000 }),
  });
  fc.assert(
    fc.property(input, ({ d, K, De, rows, router, gateNorm, activation, seed }) => {
      const c: FinedeepConfig = { ...finedeepDefaults, dModel: d, ffnHidden: K * De, subLayers: 1, expertsPerSubLayer: K, router, gateNorm, activation };
      const params = new ParameterFactory(seed);
      const sub = new ExpertSubLayer(params, c, 0, 0.8, 0.8);
      const x = tf.variable(tf.randomNormal([rows, d], 0, 1, 'float32', seed)) as tf.Variable<tf.Rank.R2>;
      const w = tf.randomNormal([rows, d], 0, 1, 'float32', seed + 1);
      const paper = (t: tf.Tensor2D) => {
        const e = sub.expertOutputs(sub.hidden(t).hidden); // [K, N, d]
        return tf.sum(tf.mul(e, tf.expandDims(sub.gates(e), 2)), 0) as tf.Tensor2D;
      };
      const variables = [x, ...params.variables];
      const run = (f: (t: tf.Tensor2D) => tf.Tensor2D) => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), w)) as tf.Scalar, variables);
        const y = tf.tidy(() => f(x).dataSync());
        return { y, grads: variables.map((v) => grads[v.name].dataSync()), dispose: () => tf.dispose([value, ...Object.values(grads)]) };
      };
      const fast = run((t) => sub.apply(t).y);
      const ref = run(paper);
      assertAllClose(fast.y, ref.y, 'y');
      // gradients to their scale: with K = 1 and g = s / s an entry can be a cancellation (seed 354,
      // d 5: -2.96709 against -2.96897 beside entries of 238)
      variables.forEach((v, i) => assertCloseToScale(fast.grads[i], ref.grads[i], `d${v.name}`));
      fast.dispose();
      ref.dispose();
      tf.dispose([w, ...variables]);
    }),
    { numRuns: 60 },
  );
});

test('finedeep: with M = 1, K = 1 (gate exactly 1, shared norm) the model equals the dense layout with the same weights', async () => {
  await initBackend('cpu');
  const base = { dModel: 8, layers: 2, heads: 2, ffnHidden: 8 };
  const dense = finedeepModel.create({ ...base, layout: 'dense' }, context) as DecoderLM;
  const fine = finedeepModel.create({ ...base, subLayers: 1, expertsPerSubLayer: 1 }, context) as DecoderLM;
  const byName = new Map(dense.variables.map((v) => [v.name.slice(v.name.indexOf('/') + 1), v]));
  for (const v of fine.variables) {
    const local = v.name.slice(v.name.indexOf('/') + 1).replace('ffn.sub0.', 'ffn.');
    const source = byName.get(local);
    if (source) v.assign(source);
  }
  const x = ids();
  const a = dense.forward(x, { training: false }).logits.arraySync() as number[][][];
  const b = fine.forward(x, { training: false }).logits.arraySync() as number[][][];
  a.forEach((rows, i) =>
    rows.forEach((row, t) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][t][j]) < 1e-5, `logit ${i},${t},${j}: ${v} vs ${b[i][t][j]}`))),
  );
  x.dispose();
  dense.dispose();
  fine.dispose();
});

test('finedeep: for any M x K dividing D, expert weights equal the dense FFN and the total is dense + M K d + (M - 1) d', async () => {
  await initBackend('cpu');
  const divisors = [
    [1, 16],
    [2, 8],
    [4, 4],
    [8, 2],
    [16, 1],
    [2, 4],
    [1, 1],
  ] as const;
  fc.assert(
    fc.property(fc.constantFrom(...divisors), fc.constantFrom('swiglu' as const, 'relu' as const), ([M, K], activation) => {
      const base = { dModel: 8, layers: 2, heads: 2, ffnHidden: 16, activation };
      const dense = finedeepModel.create({ ...base, layout: 'dense' }, context);
      const fine = finedeepModel.create({ ...base, subLayers: M, expertsPerSubLayer: K }, context);
      const expertWeights = fine.variables.filter((v) => /ffn\.sub\d+\.w(In|Out)$/.test(v.name)).reduce((n, v) => n + v.size, 0);
      const ok =
        expertWeights === base.layers * (activation === 'swiglu' ? 3 : 2) * 8 * 16 &&
        fine.params().total === dense.params().total + base.layers * (M * K * 8 + (M - 1) * 8);
      dense.dispose();
      fine.dispose();
      return ok;
    }),
    { numRuns: 10 },
  );
});

test('finedeep: on a random batch every expert weight and every router vector gets a non-zero gradient', async () => {
  await initBackend('cpu');
  const model = finedeepModel.create(
    { dModel: 8, layers: 1, heads: 2, ffnHidden: 16, subLayers: 2, expertsPerSubLayer: 4, initStd: 0.3 },
    context,
  ) as DecoderLM;
  const x = ids();
  const watched = model.variables.filter((v) => /ffn\.sub\d+\.(wIn|wOut|router)$/.test(v.name));
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.forward(x, { training: true }).logits)) as tf.Scalar, watched);
  const K = 4;
  for (const v of watched) {
    const g = grads[v.name];
    // per expert: router rows, wOut row blocks, wIn column blocks (gate and up)
    const blocks = v.name.endsWith('router') ? tf.split(g, K, 0) : v.name.endsWith('wOut') ? tf.split(g, K, 0) : tf.split(g, 2 * K, 1);
    for (const [i, b] of blocks.entries()) assert.ok(tf.max(tf.abs(b)).dataSync()[0] > 0, `${v.name} block ${i} has a zero gradient`);
  }
  tf.dispose(grads);
  x.dispose();
  model.dispose();
});

test('nsar: for any activations, increasing thresholds and either mode, values lie in [0, 1] and do not increase', async () => {
  await initBackend('cpu');
  const input = fc.record({
    values: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 40 }),
    taus: fc.uniqueArray(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 5 }),
    mode: fc.constantFrom<NsarThreshold>('rms', 'absolute'),
  });
  fc.assert(
    fc.property(input, ({ values, taus, mode }) => {
      const sorted = [...taus].sort((a, b) => a - b);
      const out = tf.tidy(() => Array.from(nsar(tf.tensor2d(values, [1, values.length]), sorted, mode).dataSync()));
      return out.every((v) => v >= 0 && v <= 1) && out.every((v, i) => i === 0 || v <= out[i - 1]);
    }),
    { numRuns: 40 },
  );
});

test('nsar (rms mode): for any activations and any power-of-two scale c, NSAR(c a) = NSAR(a)', async () => {
  await initBackend('cpu');
  const input = fc.record({
    // float32 activations: values far below float32's normal range (e.g. 7e-46) flush to zero once
    // scaled, which is float32 arithmetic, not an NSAR property
    values: fc.array(fc.double({ min: -3, max: 3, noNaN: true }).map((v) => (Math.abs(v) < 1e-6 ? 0 : v)), { minLength: 2, maxLength: 40 }),
    exponent: fc.integer({ min: -6, max: 6 }),
  });
  fc.assert(
    fc.property(input, ({ values, exponent }) => {
      const taus = [0.1, 0.25, 0.5, 1];
      const [a, b] = tf.tidy(() => {
        const x = tf.tensor2d(values, [1, values.length]);
        return [Array.from(nsar(x, taus, 'rms').dataSync()), Array.from(nsar(tf.mul(x, 2 ** exponent), taus, 'rms').dataSync())];
      });
      return a.every((v, i) => v === b[i]);
    }),
    { numRuns: 40 },
  );
});

/**
 * An M x K Finedeep FFN whose K experts per sub-layer are copies of one expert (W_in, W_out, r) with
 * W_in scaled by K and W_out by 1 / K: the sum-normalised gates are all 1 / K, so every K gives the
 * same function, while the activations grow with K, the way training offsets the router's 1/K.
 * ReLU experts (positively homogeneous) make the activations exactly K x those of K = 1.
 */
function identicalExperts(M: number, K: number, seed: number, threshold: NsarThreshold): FinedeepFeedForward {
  const d = 4;
  const De = 3;
  const c: FinedeepConfig = {
    ...finedeepDefaults,
    dModel: d,
    ffnHidden: M * K * De,
    subLayers: M,
    expertsPerSubLayer: K,
    activation: 'relu',
    nsarThreshold: threshold,
    nsarTaus: [0.05, 0.25, 0.5, 1],
  };
  const params = new ParameterFactory(seed);
  const ffn = new FinedeepFeedForward(params, c, 1, 1);
  ffn.subLayers.forEach((sub, m) =>
    tf.tidy(() => {
      const wIn = tf.randomNormal([d, De], 0, 1, 'float32', seed + 10 * m) as tf.Tensor2D;
      const wOut = tf.randomNormal([De, d], 0, 1, 'float32', seed + 10 * m + 1) as tf.Tensor2D;
      const r = tf.randomNormal([1, d], 0, 1, 'float32', seed + 10 * m + 2) as tf.Tensor2D;
      sub.wIn.assign(
        tf.concat(
          Array.from({ length: K }, () => tf.mul(wIn, K)),
          1,
        ),
      );
      sub.wOut.assign(
        tf.concat(
          Array.from({ length: K }, () => tf.div(wOut, K)),
          0,
        ),
      );
      sub.router.assign(
        tf.concat(
          Array.from({ length: K }, () => r),
          0,
        ),
      );
    }),
  );
  return ffn;
}

function ffnNsar(ffn: FinedeepFeedForward, seed: number): number[] {
  return tf.tidy(() => {
    const h = tf.randomNormal([12, 4], 0, 1, 'float32', seed + 99) as tf.Tensor2D;
    const context = { layer: 0, training: false, tokenIds: tf.zeros([12], 'int32') as tf.Tensor1D, batch: 1, time: 12, shared: new Map() };
    return Array.from(ffn.applyResidual(h, h, context).stats!['ffn.nsar'].dataSync());
  });
}

test('finedeep NSAR (rms mode): for any M and seed, an M x K model with identical experts has the same NSAR for K = 1, 2, 4, 8', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1000 }), (M, seed) => {
      const values = [1, 2, 4, 8].map((K) => {
        const ffn = identicalExperts(M, K, seed, 'rms');
        const v = ffnNsar(ffn, seed);
        ffn.subLayers.forEach((s) => [s.wIn, s.wOut, s.router, s.norm].forEach((t) => t?.dispose()));
        return v;
      });
      return values.every((v) => v.every((x, i) => Math.abs(x - values[0][i]) <= 1e-6));
    }),
    { numRuns: 15 },
  );
});

test('finedeep NSAR (absolute mode, the first version): the same identical-expert models get an NSAR that grows with K', async () => {
  await initBackend('cpu');
  const values = [1, 8].map((K) => {
    const ffn = identicalExperts(2, K, 7, 'absolute');
    const v = ffnNsar(ffn, 7);
    ffn.subLayers.forEach((s) => [s.wIn, s.wOut, s.router, s.norm].forEach((t) => t?.dispose()));
    return v;
  });
  assert.ok(
    values[1].some((v, i) => v > values[0][i]),
    `absolute NSAR K=1 ${values[0]} vs K=8 ${values[1]}`,
  );
});

test('finedeep: analytic FLOPs over dense FLOPs stay within 1 +- 0.02 for the study grid at the quick and full sizes', async () => {
  await initBackend('cpu');
  for (const size of [
    { dModel: 64, layers: 2, heads: 2, ffnHidden: 256, seqLen: 64, vocabSize: 1024 },
    { dModel: 128, layers: 4, heads: 4, ffnHidden: 512, seqLen: 128, vocabSize: 4096 },
  ]) {
    const ctx = { vocabSize: size.vocabSize, seqLen: size.seqLen, seed: 1 };
    const dense = finedeepModel.create({ ...size, layout: 'dense' }, ctx);
    for (const [M, K] of [
      [1, 16],
      [2, 8],
      [4, 4],
      [8, 2],
      [16, 1],
    ]) {
      const fine = finedeepModel.create({ ...size, subLayers: M, expertsPerSubLayer: K }, ctx);
      const ratio = fine.flopsPerToken().inference / dense.flopsPerToken().inference;
      assert.ok(Math.abs(ratio - 1) <= 0.02, `${M}x${K} at d=${size.dModel}: ratio ${ratio}`);
      fine.dispose();
    }
    dense.dispose();
  }
});
