import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParameterFactory, RoutedExperts, initBackend, tf, type RoutedLayerOptions } from '@labbench/tensor';
import { smallRoutedLayer, tokenRows } from '@labbench/tensor/testing';
import { hashRouting, hashTable, softmaxTopK, topPRouting, withEvaluationSwitches } from '../src/index.js';

const D = 8;
const VOCAB = 12;

function layer(options: Partial<RoutedLayerOptions>, seed = 3): { layer: RoutedExperts; params: ParameterFactory } {
  const params = new ParameterFactory(seed);
  const full = smallRoutedLayer({ dModel: D, topK: 2, policy: withEvaluationSwitches(softmaxTopK('k>1')), sharedExperts: 1, sharedMix: 'softmax2', ...options });
  return { layer: new RoutedExperts(params, 'ffn', full), params };
}

/** Tokens [n, D] and ids [n] drawn from fast-check. */
const batch = tokenRows(D, 6).chain((x) =>
  fc.record({
    x: fc.constant(x),
    ids: fc.array(fc.integer({ min: 0, max: VOCAB - 1 }), { minLength: x.length, maxLength: x.length }),
  }),
);
const routing = (l: RoutedExperts, x: number[][], ids: number[], disableTop1 = false) =>
  tf.tidy(() => {
    const r = l.route(tf.tensor2d(x, [x.length, D]), tf.tensor1d(ids, 'int32'), { disableTop1 });
    return { probs: r.probs.arraySync(), selected: r.selected.arraySync(), gates: r.gates.arraySync() };
  });
const argmax = (row: number[]) => row.reduce((best, v, i) => (v > row[best] ? i : best), 0);

test('RoutedExperts.route: for any tokens and 1 <= k <= N, exactly k distinct experts are selected and renormalised gates sum to 1', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(batch, fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 6 }), ({ x, ids }, experts, kRaw) => {
      const k = Math.min(kRaw, experts);
      const { layer: l, params } = layer({ experts, topK: k, policy: softmaxTopK('always') });
      const { selected, gates } = routing(l, x, ids);
      params.variables.forEach((v) => v.dispose());
      return selected.every(
        (row, t) =>
          row.filter((s) => s === 1).length === k &&
          row.every((s) => s === 0 || s === 1) &&
          Math.abs(gates[t].reduce((a, b) => a + b, 0) - 1) < 1e-5 &&
          gates[t].every((g, i) => row[i] === 1 || g === 0),
      );
    }),
    { numRuns: 25 },
  );
});

test('RoutedExperts: for any tokens, the shared-expert mix coefficients are in (0, 1) and sum to 1', async () => {
  await initBackend('cpu');
  const { layer: l, params } = layer({});
  fc.assert(
    fc.property(batch, ({ x }) => {
      const mix = tf.tidy(() => tf.softmax(tf.add(tf.matMul(tf.tensor2d(x, [x.length, D]), l.mixW as tf.Tensor2D), l.mixB!)).arraySync() as number[][]);
      return mix.every((c) => c.length === 2 && Math.abs(c[0] + c[1] - 1) < 1e-6 && c.every((v) => v >= 0 && v <= 1));
    }),
    { numRuns: 20 },
  );
  params.variables.forEach((v) => v.dispose());
});

test('RoutedExperts.route (disable top-1): for any tokens and k < N, the argmax expert is never selected and k experts still are', async () => {
  await initBackend('cpu');
  fc.assert(
    fc.property(batch, fc.integer({ min: 3, max: 6 }), fc.integer({ min: 1, max: 5 }), ({ x, ids }, experts, kRaw) => {
      const k = Math.min(kRaw, experts - 1);
      const { layer: l, params } = layer({ experts, topK: k });
      const { probs, selected } = routing(l, x, ids, true);
      params.variables.forEach((v) => v.dispose());
      // with ties any maximal expert may be the disabled one: some expert of maximal probability is left out
      return selected.every((row, t) => row.some((s, i) => s === 0 && probs[t][i] === probs[t][argmax(probs[t])]) && row.filter((s) => s === 1).length === k);
    }),
    { numRuns: 25 },
  );
});

test('RoutedExperts.route (top-p): for any tokens, the selection is the shortest prefix by probability whose sum exceeds p, with raw probabilities as gates', async () => {
  await initBackend('cpu');
  const { layer: l, params } = layer({ policy: topPRouting(0.4), experts: 5 });
  fc.assert(
    fc.property(batch, ({ x, ids }) => {
      const { probs, selected, gates } = routing(l, x, ids);
      return selected.every((row, t) => {
        const chosen = probs[t].filter((_, i) => row[i] === 1);
        const rest = probs[t].filter((_, i) => row[i] === 0);
        const sum = chosen.reduce((a, b) => a + b, 0);
        const smallest = Math.min(...chosen);
        return (
          chosen.length >= 1 &&
          rest.every((r) => r <= smallest + 1e-7) &&
          sum > 0.4 - 1e-6 &&
          sum - smallest <= 0.4 + 1e-6 &&
          gates[t].every((g, i) => (row[i] === 1 ? Math.abs(g - probs[t][i]) < 1e-7 : g === 0))
        );
      });
    }),
    { numRuns: 25 },
  );
  params.variables.forEach((v) => v.dispose());
});

test('RoutedExperts.route (hash): for any tokens, the experts and gates depend only on the token id', async () => {
  await initBackend('cpu');
  const table = hashTable(VOCAB, 4, 2, 'random', 7);
  const { layer: l, params } = layer({ policy: hashRouting(table, 'k>1') });
  assert.equal(l.router, undefined);
  fc.assert(
    fc.property(batch, batch, ({ x, ids }, other) => {
      const a = routing(l, x, ids);
      const b = routing(l, other.x, ids.map((id, i) => other.ids[i] ?? id).slice(0, other.x.length));
      const seen = new Map<number, string>();
      const record = (r: typeof a, tokenIds: number[]) =>
        tokenIds.every((id, t) => {
          const key = JSON.stringify([r.selected[t], r.gates[t].map((g) => g.toFixed(6))]);
          if (!seen.has(id)) seen.set(id, key);
          return seen.get(id) === key && r.selected[t].filter((s) => s === 1).length === 2;
        });
      return record(a, ids) && record(b, ids.map((id, i) => other.ids[i] ?? id).slice(0, other.x.length));
    }),
    { numRuns: 20 },
  );
  params.variables.forEach((v) => v.dispose());
  table.dispose();
});

test('RoutedExperts: analytic parameters equal the variables, and active counts k experts', async () => {
  await initBackend('cpu');
  const { layer: l, params } = layer({ experts: 6, topK: 2, expertHidden: 4, sharedExperts: 2, sharedHidden: 3 });
  const counted = params.variables.reduce((n, v) => n + v.size, 0);
  assert.equal(l.params().total, counted);
  assert.equal(l.params().total - l.params().active, 4 * 3 * D * 4);
  params.variables.forEach((v) => v.dispose());
});
