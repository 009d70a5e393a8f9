import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParameterFactory, initBackend, rmsNorm, tf, type RoutedBlockContext } from '@labbench/tensor';
import { smallRoutedLayer, tokenRows } from '@labbench/tensor/testing';
import { softmaxTopK, withEvaluationSwitches } from '@labbench/plugin-moe';
import { CartesianFeedForward } from '../src/index.js';

const D = 8;

function cartesian(experts: number, topK: number, sharedExperts = 1) {
  const params = new ParameterFactory(5);
  const layer = new CartesianFeedForward(
    params,
    smallRoutedLayer({
      dModel: D,
      experts,
      topK,
      policy: withEvaluationSwitches(softmaxTopK()),
      sharedExperts,
      sharedMix: sharedExperts > 0 ? 'softmax2' : 'none',
    }),
    'rmsnorm',
  );
  return { layer, dispose: () => params.variables.forEach((v) => v.dispose()) };
}

const tokens = tokenRows(D, 6);

/** Selections, gates and mix coefficients of both sub-layers on residual stream h (x̂ = h here). */
function routeBoth(layer: CartesianFeedForward, h: number[][], disableTop1 = false) {
  return tf.tidy(() => {
    const x = tf.tensor2d(h, [h.length, D]);
    const ids = tf.zeros([h.length], 'int32') as tf.Tensor1D;
    const context: RoutedBlockContext = {
      layer: 0,
      training: false,
      tokenIds: ids,
      batch: 1,
      time: h.length,
      shared: new Map(),
      residual: x,
      routing: { disableTop1 },
    };
    const ra = layer.a.route(x, ids, context.routing);
    const u = tf.add(x, layer.a.apply(x, context, 'moe.a').y); // h + y^A
    const uNorm = rmsNorm(u, layer.midNorm!) as tf.Tensor2D;
    const rb = layer.b.route(uNorm, ids, context.routing);
    const mix = (l: typeof layer.a, input: tf.Tensor2D) => tf.softmax(tf.add(tf.matMul(input, l.mixW as tf.Tensor2D), l.mixB!)).arraySync() as number[][];
    const read = (r: typeof ra) => ({ probs: r.probs.arraySync(), selected: r.selected.arraySync(), gates: r.gates.arraySync() });
    return { a: read(ra), b: read(rb), mixA: layer.a.mixW ? mix(layer.a, x) : [], mixB: layer.b.mixW ? mix(layer.b, uNorm) : [] };
  });
}

test('CartesianFeedForward: for any tokens, each sub-layer selects exactly k distinct experts, gates and mix coefficients sum to 1', async () => {
  await initBackend('cpu');
  const { layer, dispose } = cartesian(4, 2);
  fc.assert(
    fc.property(tokens, (h) => {
      const r = routeBoth(layer, h);
      const ok = (s: typeof r.a) =>
        s.selected.every((row, t) => row.filter((v) => v === 1).length === 2 && Math.abs(s.gates[t].reduce((p, q) => p + q, 0) - 1) < 1e-5);
      const sumsToOne = (m: number[][]) => m.every((c) => Math.abs(c[0] + c[1] - 1) < 1e-6);
      return ok(r.a) && ok(r.b) && sumsToOne(r.mixA) && sumsToOne(r.mixB) && r.mixA.length === h.length;
    }),
    { numRuns: 25 },
  );
  dispose();
});

test('CartesianFeedForward (disable top-1): for any tokens, no sub-layer selects a maximal expert it disabled, and each still selects k', async () => {
  await initBackend('cpu');
  const { layer, dispose } = cartesian(5, 2);
  fc.assert(
    fc.property(tokens, (h) => {
      const r = routeBoth(layer, h, true);
      const ok = (s: typeof r.a) =>
        s.selected.every((row, t) => {
          const max = Math.max(...s.probs[t]);
          return row.filter((v) => v === 1).length === 2 && row.some((v, i) => v === 0 && s.probs[t][i] === max);
        });
      return ok(r.a) && ok(r.b);
    }),
    { numRuns: 25 },
  );
  dispose();
});

test('CartesianFeedForward: routing in evaluation is deterministic, and a token uses at most k^2 composite experts', async () => {
  await initBackend('cpu');
  const { layer, dispose } = cartesian(4, 2);
  fc.assert(
    fc.property(tokens, (h) => {
      const [r1, r2] = [routeBoth(layer, h), routeBoth(layer, h)];
      const pairs = r1.a.selected.map((rowA, t) => rowA.filter((v) => v === 1).length * r1.b.selected[t].filter((v) => v === 1).length);
      return JSON.stringify(r1) === JSON.stringify(r2) && pairs.every((p) => p <= 4);
    }),
    { numRuns: 15 },
  );
  dispose();
});

test('CartesianFeedForward: analytic parameters equal its variables (two routers, two mixes, experts, shared halves, mid norm)', async () => {
  await initBackend('cpu');
  const params = new ParameterFactory(1);
  const layer = new CartesianFeedForward(
    params,
    smallRoutedLayer({ dModel: D, topK: 2, sharedExperts: 1, sharedMix: 'softmax2' }),
    'rmsnorm',
  );
  assert.equal(
    layer.params().total,
    params.variables.reduce((n, v) => n + v.size, 0),
  );
  // active: 2 sub-layers x (router + k experts + shared + mix) + mid norm
  assert.equal(layer.params().active, 2 * (D * 4 + 2 * 3 * D * 4 + 3 * D * 4 + 2 * D + 2) + D);
  params.variables.forEach((v) => v.dispose());
});

test('CartesianFeedForward: for any tokens, N = 1, k = 1 and no shared expert reduce it to two stacked half-width FFN residual sub-blocks', async () => {
  await initBackend('cpu');
  const params = new ParameterFactory(9);
  const layer = new CartesianFeedForward(
    params,
    smallRoutedLayer({ dModel: D, experts: 1, outStd: 0.3 }),
    'rmsnorm',
  );
  const ffn = (bank: typeof layer.a.experts, x: tf.Tensor2D) => bank.apply(x, tf.onesLike(tf.slice(x, [0, 0], [-1, 1])) as tf.Tensor2D);
  fc.assert(
    fc.property(tokens, tokens, (hRows, xRows) => {
      const n = Math.min(hRows.length, xRows.length);
      const [got, want] = tf.tidy(() => {
        const h = tf.tensor2d(hRows.slice(0, n), [n, D]);
        const x = tf.tensor2d(xRows.slice(0, n), [n, D]);
        const context: RoutedBlockContext = {
          layer: 0,
          training: false,
          tokenIds: tf.zeros([n], 'int32') as tf.Tensor1D,
          batch: 1,
          time: n,
          shared: new Map(),
          residual: h,
        };
        const yA = ffn(layer.a.experts, x);
        const yB = ffn(layer.b.experts, rmsNorm(tf.add(h, yA), layer.midNorm!) as tf.Tensor2D);
        return [layer.apply(x, context).y.arraySync() as number[][], tf.add(yA, yB).arraySync() as number[][]];
      });
      return got.every((row, t) => row.every((v, j) => Math.abs(v - want[t][j]) < 1e-5));
    }),
    { numRuns: 15 },
  );
  params.variables.forEach((v) => v.dispose());
});
