import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import type { TrainedTokenizer } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { CausalScorer, DecoderLM, decoderDefaults, initBackend } from '../src/index.js';

/**
 * The batched scorer against the unbatched path it replaced: one row per forward pass, padded to
 * the full context T, scores from tf's log-softmax on the device. Same model, same requests; the
 * values must agree to float tolerance, whatever the batch size and the mix of lengths.
 */

const T = 16;
const tokenizer = byteTokenizer();

/** Not the plain decoder: the scorer takes the model's own forward pass (logits everywhere). */
class Subclassed extends DecoderLM {}

function tinyModel(seed: number, subclass = false): DecoderLM {
  return new (subclass ? Subclassed : DecoderLM)({ ...decoderDefaults, dModel: 16, layers: 2, heads: 2, ffnHidden: 24, seqLen: T }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed });
}

interface RefPosition { logProb: number; argmax: number; rank: number; entropy: number; variance: number; ties: number; topGap: number }

/** The unbatched reference: row [1, T] (eos padding), log-softmax on the device, every statistic per scored position. */
function referenceRow(model: DecoderLM, ids: Int32Array, targets: Int32Array): Map<number, RefPosition> {
  const padded = new Int32Array(T).fill(tokenizer.eosId);
  padded.set(ids);
  const lp = tf.tidy(() => tf.logSoftmax(tf.squeeze(model.forward(tf.tensor2d(padded, [1, T], 'int32'), { training: false }).logits, [0])).arraySync() as number[][]);
  const out = new Map<number, RefPosition>();
  targets.forEach((t, j) => {
    if (t < 0) return;
    const row = lp[j];
    const sorted = [...row].sort((a, b) => b - a);
    const entropy = -row.reduce((a, x) => a + Math.exp(x) * x, 0);
    out.set(j, {
      logProb: row[t], argmax: row.indexOf(sorted[0]), rank: 1 + row.filter((x) => x > row[t]).length,
      entropy, variance: row.reduce((a, x) => a + Math.exp(x) * (x + entropy) ** 2, 0),
      ties: row.filter((x) => Math.abs(x - row[t]) < 1e-5).length - 1, topGap: sorted[0] - sorted[1],
    });
  });
  return out;
}

/** Reference rolling scores of one text: disjoint windows of T over [eos, ...tokens]. */
function referenceTokens(model: DecoderLM, tok: TrainedTokenizer, text: string): RefPosition[] {
  const tokens = tok.encode(text);
  const seq = Int32Array.from([tok.eosId, ...tokens]);
  const out: RefPosition[] = [];
  for (let start = 0; start < tokens.length; start += T) {
    const n = Math.min(T, tokens.length - start);
    const scores = referenceRow(model, seq.slice(start, start + n), seq.slice(start + 1, start + 1 + n));
    for (let j = 0; j < n; j++) out.push(scores.get(j)!);
  }
  return out;
}

const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const text = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
const texts = fc.array(text, { minLength: 1, maxLength: 6 });

test('CausalScorer.rollingLogLikelihood and tokenScores: for any texts and batch size, batched scores equal the unbatched log-softmax path', async () => {
  await initBackend('wasm');
  const models = [tinyModel(3), tinyModel(3, true)];
  await fc.assert(fc.asyncProperty(texts, fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, 1), async (xs, batch, which) => {
    const model = models[which];
    const scorer = new CausalScorer(model, tokenizer, T, batch);
    const rolling = await scorer.rollingLogLikelihood(xs, { keepTokens: true });
    const scores = await scorer.tokenScores(xs);
    xs.forEach((x, i) => {
      const ref = referenceTokens(model, tokenizer, x);
      assert.equal(rolling[i].tokens, ref.length);
      assert.deepEqual(Array.from(rolling[i].tokenIds!), Array.from(tokenizer.encode(x)));
      assert.ok(close(rolling[i].logLikelihood, ref.reduce((a, r) => a + r.logProb, 0), 1e-4), `${rolling[i].logLikelihood} vs reference`);
      ref.forEach((r, k) => {
        assert.ok(close(scores[i].logProbs[k], r.logProb), `logProb ${scores[i].logProbs[k]} vs ${r.logProb}`);
        assert.ok(close(rolling[i].tokenLogProbs![k], r.logProb));
        assert.ok(close(scores[i].entropies[k], r.entropy), `entropy ${scores[i].entropies[k]} vs ${r.entropy}`);
        assert.ok(close(scores[i].expectedLogProbs[k], -r.entropy));
        assert.ok(close(scores[i].varianceLogProbs[k], r.variance, 1e-3), `variance ${scores[i].varianceLogProbs[k]} vs ${r.variance}`);
        // logits closer than float noise may swap places: allow that many
        assert.ok(Math.abs(scores[i].ranks[k] - r.rank) <= r.ties, `rank ${scores[i].ranks[k]} vs ${r.rank} (${r.ties} near ties)`);
      });
    });
  }), { numRuns: 30 });
  for (const m of models) m.dispose();
});

test('CausalScorer.logLikelihood: for any requests and batch size, batched log-likelihoods and greedy flags equal the unbatched path', async () => {
  await initBackend('wasm');
  const models = [tinyModel(5), tinyModel(5, true)];
  const requests = fc.array(fc.record({ context: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), continuation: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }) }), { minLength: 1, maxLength: 10 });
  await fc.assert(fc.asyncProperty(requests, fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 1), async (reqs, batch, which) => {
    const model = models[which];
    const got = await new CausalScorer(model, tokenizer, T, batch).logLikelihood(reqs);
    reqs.forEach(({ context, continuation }, i) => {
      // the old construction: [eos, ctx, cont] cut to its last T + 1 tokens; cont cut to T
      const cont = tokenizer.encode(continuation).slice(0, T);
      const seq = Int32Array.from([tokenizer.eosId, ...tokenizer.encode(context), ...cont]);
      const window = seq.slice(Math.max(0, seq.length - (T + 1)));
      const targets = new Int32Array(window.length - 1).fill(-1);
      targets.set(window.slice(window.length - cont.length), window.length - 1 - cont.length);
      const ref = [...referenceRow(model, window.slice(0, -1), targets)].map(([j, r]) => ({ ...r, target: targets[j] }));
      assert.equal(got[i].tokens, cont.length);
      assert.ok(close(got[i].logLikelihood, ref.reduce((a, r) => a + r.logProb, 0)), `${got[i].logLikelihood} vs reference`);
      if (ref.every((r) => r.topGap > 1e-4)) assert.equal(got[i].isGreedy, ref.every((r) => r.argmax === r.target));
    });
  }), { numRuns: 40 });
  for (const m of models) m.dispose();
});

test('CausalScorer: scoring leaves no tensors behind (the count is flat from one round to the next)', async () => {
  await initBackend('wasm');
  const model = tinyModel(1);
  const scorer = new CausalScorer(model, tokenizer, T, 2);
  // the decoder keeps one causal mask per window length: the first round creates them
  const round = async () => {
    await scorer.rollingLogLikelihood(['a longer text than one window of sixteen bytes', 'short']);
    await scorer.tokenScores(['x y z']);
    await scorer.logLikelihood([{ context: 'the cat', continuation: ' sat' }]);
    await scorer.generate(['the', 'a much longer prompt that slides'], { maxTokens: 4, temperature: 1, seed: 1 });
  };
  await round();
  const before = tf.memory().numTensors;
  await round();
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('CausalScorer: empty texts score zero tokens with log-likelihood 0', async () => {
  await initBackend('wasm');
  const model = tinyModel(2);
  const [empty, some] = await new CausalScorer(model, tokenizer, T, 4).rollingLogLikelihood(['', 'ab']);
  assert.deepEqual({ ll: empty.logLikelihood, tokens: empty.tokens }, { ll: 0, tokens: 0 });
  assert.equal(some.tokens, 2);
  assert.ok(some.logLikelihood < 0);
  model.dispose();
});
