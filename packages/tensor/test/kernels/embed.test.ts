import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as native from '@labbench/tensor-native';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { embedGradRows, embedRows, fusedEmbed } from '../../src/backend/kernels/embed.js';
import { onEachBackend } from './helpers.js';

/**
 * Parity of LabbenchEmbed and its gradient with the decoder's composed input (gather, reshape,
 * product by the scale, add of the sliced position table): bit for bit on wasm and cpu, values and
 * both gradients, with the table also used elsewhere (a tied unembedding: the gradients accumulate).
 */
const bits = (x: tf.Tensor) => Buffer.from((x.dataSync() as Float32Array).buffer);

function composed(table: tf.Tensor2D, ids: tf.Tensor2D, positions: tf.Tensor2D, scale: number): tf.Tensor {
  const [b, t] = ids.shape;
  const d = table.shape[1];
  const embedded = tf.reshape(tf.gather(table, tf.reshape(ids, [-1])), [b, t, d]);
  return tf.add(scale === 1 ? embedded : tf.mul(embedded, scale), tf.slice(positions, [0, 0], [t, d]));
}

test('LabbenchEmbed and its gradient equal gather * scale + positions (bit for bit) on wasm and cpu', async () => {
  await onEachBackend((backend) => {
    const cases = fc.record({
      b: fc.integer({ min: 1, max: 4 }),
      t: fc.integer({ min: 1, max: 9 }),
      extra: fc.integer({ min: 0, max: 3 }),
      d: fc.integer({ min: 1, max: 12 }),
      vocab: fc.integer({ min: 1, max: 20 }),
      scale: fc.constantFrom(1, Math.sqrt(8), 8, 0.3),
      seed: fc.nat(1000),
    });
    fc.assert(
      fc.property(cases, ({ b, t, extra, d, vocab, scale, seed }) =>
        tf.tidy(() => {
          const table = tf.randomNormal([vocab, d], 0, 1, 'float32', seed) as tf.Tensor2D;
          const positions = tf.randomNormal([t + extra, d], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
          const ids = tf.randomUniform([b, t], 0, vocab, 'int32', seed + 2) as tf.Tensor2D;
          const w = tf.randomNormal([b, t, d], 0, 1, 'float32', seed + 3);
          const tied = tf.randomNormal([b * t, vocab], 0, 1, 'float32', seed + 4);
          const got = fusedEmbed(table, ids, positions, scale);
          assert.ok(got, `the kernel is registered on ${backend}`);
          const want = composed(table, ids, positions, scale);
          // the table also feeds a tied product, as in the decoder, so its two gradients accumulate
          const loss = (f: typeof composed) => (e: tf.Tensor, p: tf.Tensor) => {
            const x = f(e as tf.Tensor2D, ids, p as tf.Tensor2D, scale);
            return tf.add(tf.sum(tf.mul(x, w)), tf.sum(tf.mul(tf.matMul(tf.reshape(x, [b * t, d]), e, false, true), tied)));
          };
          const fused = (e: tf.Tensor2D, i: tf.Tensor2D, p: tf.Tensor2D, s: number) => fusedEmbed(e, i, p, s)!;
          const [gTable, gPos] = tf.grads(loss(fused))([table, positions]);
          const [wTable, wPos] = tf.grads(loss(composed))([table, positions]);
          return got.shape.join() === want.shape.join() && bits(got).equals(bits(want)) && bits(gTable).equals(bits(wTable)) && bits(gPos).equals(bits(wPos));
        }),
      ),
      { numRuns: 30 },
    );
  });
});

test('fusedEmbed declines what it does not handle, and an id outside the table is an error', async () => {
  await onEachBackend(() => {
    tf.tidy(() => {
      const table = tf.zeros([4, 3]) as tf.Tensor2D;
      assert.equal(fusedEmbed(table, tf.zeros([2, 5], 'int32') as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D, 1), undefined); // fewer positions than T
      assert.throws(() => fusedEmbed(table, tf.tensor2d([[0, 4]], [1, 2], 'int32'), tf.zeros([2, 3]) as tf.Tensor2D, 1)?.dataSync(), /token id.*is not in/);
    });
  });
});

test(`embed loops: ${native.available ? 'the native ones equal the JS ones bit for bit, on 1 and 2 threads' : 'JS only (addon not built)'}`, (t) => {
  const b = native.binding;
  if (!b?.embed || !b.embedGrad) {
    t.skip('addon without the embed loops');
    return;
  }
  const [embed, embedGrad] = [b.embed, b.embedGrad];
  // up to 6000 tokens x 80: past the 200,000-element work at which the addon splits over its threads
  const sizes = fc.record({
    tokens: fc.integer({ min: 1, max: 6000 }),
    time: fc.integer({ min: 1, max: 64 }),
    d: fc.integer({ min: 1, max: 80 }),
    vocab: fc.integer({ min: 1, max: 300 }),
    scale: fc.constantFrom(1, 8, 0.3),
    seed: fc.nat(),
  });
  fc.assert(
    fc.property(sizes, ({ tokens, time, d, vocab, scale, seed }) => {
      const rand = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s * 78.233 + seed));
      const ids = Int32Array.from({ length: tokens }, (_, i) => Math.abs(Math.floor(Math.sin(i * 3.1 + seed) * 1e4)) % vocab);
      const [table, positions, dy] = [rand(vocab * d, 1), rand(time * d, 2), rand(tokens * d, 3)];
      const run = (loops: { embed: typeof embedRows; embedGrad: typeof embedGrad }) => {
        const out = [new Float32Array(tokens * d), new Float32Array(vocab * d).fill(7), new Float32Array(time * d).fill(7)]; // garbage: the loops zero their accumulators
        loops.embed(table, ids, positions, out[0], tokens, time, d, Math.fround(scale), vocab);
        loops.embedGrad(dy, ids, out[1], out[2], tokens, time, d, Math.fround(scale));
        return out;
      };
      const js = run({ embed: embedRows, embedGrad: embedGradRows });
      const same = (xs: Float32Array[]) => xs.every((x, i) => Buffer.from(x.buffer).equals(Buffer.from(js[i].buffer)));
      b.setThreads(1);
      const one = run({ embed, embedGrad });
      b.setThreads(2);
      const two = run({ embed, embedGrad });
      return same(one) && same(two);
    }),
    { numRuns: 20 },
  );
  b.setThreads(2);
  assert.throws(() => embed(new Float32Array(4), Int32Array.of(2), new Float32Array(2), new Float32Array(2), 1, 1, 2, 1, 2), /token id/);
});
