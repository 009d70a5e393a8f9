import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import type { EvalData, LanguageModel } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import {
  heldOutEvaluator,
  heldOutForwardStats,
  heldOutWindows,
  inDomainWindows,
  sliceWindows,
  subjectWindows,
  type TokenWindows,
} from '../src/eval/held-out-stats.js';

/**
 * A stand-in model whose forward stats are per-batch means of its input ids (a scalar and a
 * [2] vector), the shape of real stats such as active experts per token: averaging them over
 * batches weighted by rows must give the mean over every token, whatever the batch size.
 */
const meanModel = (seqLen: number) =>
  ({
    config: { seqLen },
    variables: [],
    forward: (x: tf.Tensor2D) => {
      const f = x.toFloat();
      return { logits: tf.zeros([1, 1, 1]), stats: { 'probe.mean': f.mean(), 'probe.pair': tf.stack([f.mean(), f.square().mean()]) } };
    },
  }) as unknown as LanguageModel;

const data = (texts: readonly string[]): EvalData => ({
  inDomain: async () => texts.map((text, i) => ({ source: 'test', id: String(i), text })),
  outOfDomain: async () => [],
  set: async () => [],
});

const windowsArb = fc
  .record({ time: fc.integer({ min: 1, max: 6 }), count: fc.integer({ min: 0, max: 9 }) })
  .chain(({ time, count }) =>
    fc.record({
      time: fc.constant(time),
      count: fc.constant(count),
      ids: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: time * count, maxLength: time * count }),
    }),
  )
  .map(({ time, count, ids }): TokenWindows => ({ ids: Int32Array.from(ids), count, time }));

test('heldOutWindows: for any texts, min(max, floor((N - 1) / T)) windows, each a consecutive slice of the eos-prefixed stream', () => {
  const tokenizer = byteTokenizer();
  fc.assert(
    fc.property(
      fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 6 }),
      (texts, time, max) => {
        const stream = texts.flatMap((t) => [tokenizer.eosId, ...tokenizer.encode(t)]);
        const w = heldOutWindows(tokenizer, texts, time, max);
        assert.equal(w.time, time);
        assert.equal(w.count, Math.max(0, Math.min(max, Math.floor((stream.length - 1) / time))));
        assert.deepEqual(Array.from(w.ids), stream.slice(0, w.count * time));
      },
    ),
  );
});

test('heldOutWindows: a document of 300k tokens is cut into windows (a per-document spread overflowed the call stack)', () => {
  const tokenizer = byteTokenizer();
  const long = 'ab'.repeat(150_000);
  const w = heldOutWindows(tokenizer, [long, 'tail'], 64, 4);
  assert.equal(w.count, 4);
  assert.equal(w.ids[0], tokenizer.eosId);
  assert.deepEqual(Array.from(w.ids.subarray(1, 5)), Array.from(tokenizer.encode('abab')));
});

test('inDomainWindows: the windows of the in-domain documents at the model context length (same ids as heldOutWindows)', async () => {
  const tokenizer = byteTokenizer();
  const texts = ['a first held-out document', 'and a second one, a little longer than the first'];
  const w = await inDomainWindows(meanModel(5), tokenizer, data(texts), 4);
  const direct = heldOutWindows(tokenizer, texts, 5, 4);
  assert.equal(w.time, 5);
  assert.equal(w.count, 4);
  assert.deepEqual(Array.from(w.ids), Array.from(direct.ids));
});

test('subjectWindows: undefined for a subject without a model; otherwise its model with the in-domain windows', async () => {
  const tokenizer = byteTokenizer();
  const texts = ['one held-out document, long enough for three windows'];
  assert.equal(await subjectWindows({ tokenizer }, data(texts), 3), undefined);
  const model = meanModel(4);
  const input = await subjectWindows({ tokenizer, model }, data(texts), 3);
  assert.equal(input?.model, model);
  assert.deepEqual(Array.from(input?.windows.ids ?? []), Array.from(heldOutWindows(tokenizer, texts, 4, 3).ids));
});

test("heldOutEvaluator: a causal evaluator measuring the model on at most the option's (else the default) number of windows; no model, no records", async () => {
  const tokenizer = byteTokenizer();
  const texts = ['a held-out document long enough for a dozen windows of four tokens'];
  const seen: number[] = [];
  const evaluator = heldOutEvaluator({
    id: 'probe',
    description: 'counts windows',
    boards: ['probe'],
    windows: { option: 'windows', default: 3 },
    measure: (_model, w) => {
      seen.push(w.count);
      return [{ board: 'probe', metric: 'windows', value: w.count, direction: 'none', n: w.count * w.time }];
    },
  });
  assert.equal(evaluator.requires, 'causal');
  const context = (options: Record<string, unknown>) => ({
    seed: 0,
    limits: { documents: 1, items: 1, maxChars: 1000 },
    data: data(texts),
    options,
    log: () => {},
  });
  const model = meanModel(4);
  assert.deepEqual(await evaluator.evaluate({ tokenizer }, context({})), []);
  await evaluator.evaluate({ tokenizer, model }, context({}));
  await evaluator.evaluate({ tokenizer, model }, context({ windows: 5 }));
  await evaluator.evaluate({ tokenizer, model }, context({ maxWindows: 5 }));
  assert.deepEqual(seen, [3, 5, 3]);
});

test('sliceWindows: the two halves of any split concatenate back to the windows', () => {
  fc.assert(
    fc.property(
      windowsArb.chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: 0, max: w.count }))),
      ([w, split]) => {
        const [head, tail] = [sliceWindows(w, 0, split), sliceWindows(w, split)];
        assert.equal(head.count + tail.count, w.count);
        assert.equal(head.ids.length, head.count * w.time);
        assert.deepEqual([...head.ids, ...tail.ids], Array.from(w.ids));
      },
    ),
  );
});

test('heldOutForwardStats: for any windows and batch size, per-batch means weighted by rows give the mean over all tokens', async () => {
  await tf.setBackend('cpu');
  fc.assert(
    fc.property(windowsArb, fc.integer({ min: 1, max: 10 }), (w, batch) => {
      const { stats, tokens } = heldOutForwardStats(meanModel(w.time), w, batch);
      assert.equal(tokens, w.count * w.time);
      if (w.count === 0) return assert.deepEqual(stats, {});
      const ids = Array.from(w.ids);
      const mean = ids.reduce((a, b) => a + b, 0) / ids.length;
      const meanSquare = ids.reduce((a, b) => a + b * b, 0) / ids.length;
      // float32 sums on the backend: relative tolerance
      const close = (got: number, want: number) => assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
      close(stats['probe.mean'][0], mean);
      close(stats['probe.pair'][0], mean);
      close(stats['probe.pair'][1], meanSquare);
    }),
    { numRuns: 60 },
  );
});
