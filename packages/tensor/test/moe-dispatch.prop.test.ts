import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExpertBank, ParameterFactory, expertBuckets, routeTokens, tf } from '../src/index.js';
import { onEachBackend } from './kernels/helpers.js';

// Sparse dispatch (each expert on its own tokens) against the dense-masked reference (every expert on
// every token, zero gates for the unselected): the same outputs and the same gradients, up to float
// rounding, for any routing the primitive can produce.

const selection = fc
  .record({ n: fc.integer({ min: 1, max: 12 }), N: fc.integer({ min: 1, max: 6 }) })
  .chain(({ n, N }) => fc.record({ n: fc.constant(n), N: fc.constant(N), bits: fc.array(fc.constantFrom(0, 1), { minLength: n * N, maxLength: n * N }) }));

test('expertBuckets: for any 0/1 selection, every selected (token, expert) pair appears once, grouped by expert, in token order', () => {
  fc.assert(
    fc.property(selection, ({ n, N, bits }) => {
      const { rows, cells, counts } = expertBuckets(bits, n, N);
      const expected = bits.flatMap((b, i) => (b === 1 ? [i] : [])).sort((a, b) => (a % N) - (b % N) || a - b);
      assert.deepEqual([...cells], expected);
      assert.deepEqual(
        [...rows],
        expected.map((c) => Math.floor(c / N)),
      );
      assert.deepEqual(
        counts,
        Array.from({ length: N }, (_, e) => expected.filter((c) => c % N === e).length),
      );
    }),
    { numRuns: 200 },
  );
});

const routed = fc
  .record({
    n: fc.integer({ min: 1, max: 10 }),
    N: fc.integer({ min: 1, max: 5 }),
    D: fc.integer({ min: 1, max: 6 }),
    h: fc.integer({ min: 1, max: 5 }),
    kRaw: fc.integer({ min: 1, max: 5 }),
    renormalize: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant({ ...c, k: Math.min(c.kRaw, c.N) }),
      x: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: c.n * c.D, maxLength: c.n * c.D }),
      logits: fc.array(
        fc.integer({ min: -300, max: 300 }).map((v) => v / 100),
        { minLength: c.n * c.N, maxLength: c.n * c.N },
      ),
      // at least one visible expert per token, as every routing policy guarantees
      visible: fc.array(fc.constantFrom(0, 1), { minLength: c.n * c.N, maxLength: c.n * c.N }),
    }),
  );

function close(actual: tf.Tensor, expected: tf.Tensor, what: string): void {
  const a = actual.dataSync();
  const e = expected.dataSync();
  const scale = Math.max(1, ...Array.from(e, Math.abs));
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= 1e-4 * scale, `${what}[${i}]: sparse ${a[i]}, dense ${e[i]}`);
}

test('ExpertBank.applySelected: for any tokens, routing, k and gate normalisation, outputs and gradients (x, logits, both weights) equal the dense-masked apply (wasm with native kernels, and cpu)', async () => {
  await onEachBackend(() =>
    fc.assert(
      fc.property(routed, ({ c, x, logits, visible }) => {
        const { n, N, D, h, k } = c;
        const vis = visible.map((v, i) => (i % N === 0 && !visible.slice(i, i + N).includes(1) ? 1 : v));
        const bank = new ExpertBank(new ParameterFactory(c.seed), 'experts', D, N, h, 0.7, 0.7);
        const xV = tf.variable(tf.tensor2d(x, [n, D]));
        const logitsV = tf.variable(tf.tensor2d(logits, [n, N]));
        const visibleT = tf.tensor2d(vis, [n, N]);
        const weight = tf.randomNormal([n, D], 0, 1, 'float32', c.seed); // a fixed projection of the output
        const forward = (sparse: boolean) => {
          const r = routeTokens({ logits: logitsV, visible: visibleT, gates: c.renormalize ? 'renormalize' : 'raw' }, k);
          return sparse ? bank.applySelected(xV, r.gates, r.selected) : bank.apply(xV, r.gates);
        };
        const variables = [xV, logitsV, bank.wIn, bank.wOut];
        const run = (sparse: boolean) => tf.variableGrads(() => tf.sum(tf.mul(forward(sparse), weight)), variables).grads;
        const [ySparse, yDense] = [tf.tidy(() => forward(true)), tf.tidy(() => forward(false))];
        close(ySparse, yDense, 'y');
        const [sparse, dense] = [run(true), run(false)];
        for (const v of variables) close(sparse[v.name], dense[v.name], `d${v.name}`);
        tf.dispose([ySparse, yDense, visibleT, weight, ...variables, ...Object.values(sparse), ...Object.values(dense)]);
      }),
      { numRuns: 60 },
    ),
  );
});
