import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { Rng, deriveSeed, type GenerationOptions, type LanguageModel } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { CausalScorer, DecoderLM, decoderDefaults, initBackend, sampleToken } from '../src/index.js';
import { KvDecoder, supportsKvCache, verifiedKvScale } from '../src/eval/kv-decoder.js';
import { generateIds } from '../src/eval/generation.js';

/**
 * Batched generation against the path it replaced: one prompt at a time, one full forward pass
 * over the last T tokens per new token. Same prompts, same seeds: the same tokens.
 */

const T = 16;
const tokenizer = byteTokenizer();
const EOS = tokenizer.eosId;

function tinyModel(seed: number, extra: Record<string, unknown> = {}): DecoderLM {
  return new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 2, heads: 2, ffnHidden: 24, seqLen: T, ...extra }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed });
}

/** The old generator: prompt by prompt, a forward pass over the whole window for every token. */
function referenceGenerate(model: LanguageModel, prompts: readonly Int32Array[], options: GenerationOptions): number[][] {
  return prompts.map((prompt, index) => {
    const rng = new Rng(deriveSeed(options.seed, `generate#${index}`));
    const seq = Array.from(prompt);
    const generated: number[] = [];
    for (let n = 0; n < options.maxTokens; n++) {
      const window = seq.slice(-T);
      const logits = tf.tidy(() => {
        const out = model.forward(tf.tensor2d(window, [1, window.length], 'int32'), { training: false }).logits; // [1, t, V]
        return tf.slice(out, [0, window.length - 1, 0], [1, 1, -1]).dataSync() as Float32Array;
      });
      const next = sampleToken(logits, options, rng);
      if (next === EOS) break;
      seq.push(next);
      generated.push(next);
    }
    return generated;
  });
}

/** Prompts start with the end-of-text id, as the scorer builds them. */
const prompt = (maxLength: number) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 0, maxLength }).map((ids) => Int32Array.from([EOS, ...ids]));
const decoding = fc.record({
  maxTokens: fc.integer({ min: 0, max: 8 }),
  temperature: fc.constantFrom(0, 0.7, 1),
  topK: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  seed: fc.integer({ min: 0, max: 1000 }),
});

test('KvDecoder: for any left-padded prompts, prefill and each cached step give the logits of a full forward pass over the row', async () => {
  await initBackend('wasm');
  const model = tinyModel(11);
  const scale = verifiedKvScale(model);
  assert.notEqual(scale, undefined, 'the reference decoder must take the cached path');
  await fc.assert(fc.asyncProperty(fc.array(prompt(8), { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }), async (prompts, steps) => {
    const decoder = new KvDecoder(model, scale);
    const rows = prompts.map((p) => Array.from(p));
    const check = (logits: Float32Array) => rows.forEach((row, b) => {
      const expected = tf.tidy(() => tf.slice(model.forward(tf.tensor2d(row, [1, row.length], 'int32'), { training: false }).logits, [0, row.length - 1, 0], [1, 1, -1]).dataSync());
      const vocab = expected.length;
      expected.forEach((v, i) => assert.ok(Math.abs(logits[b * vocab + i] - v) < 1e-4, `row ${b} logit ${i}: ${logits[b * vocab + i]} vs ${v}`));
    });
    try {
      check(decoder.start(prompts, EOS, Math.max(...prompts.map((p) => p.length)) + steps.length));
      for (const token of steps) {
        rows.forEach((r) => r.push(token));
        check(decoder.step(Int32Array.from(rows, () => token)));
      }
    } finally {
      decoder.dispose();
    }
  }), { numRuns: 20 });
  model.dispose();
});

test('generateIds: for any prompts and decoding options, batched generation (cached or windowed) gives the tokens of one-prompt-at-a-time generation', async () => {
  await initBackend('wasm');
  const model = tinyModel(7);
  class Subclassed extends DecoderLM {} // not the plain decoder: takes the windowed path
  const other = new Subclassed({ ...model.config }, model.context);
  assert.equal(supportsKvCache(other), false);
  // prompts up to 20 tokens: some fit the context with their continuation (cache), some slide
  await fc.assert(fc.asyncProperty(fc.array(prompt(20), { minLength: 1, maxLength: 5 }), decoding, fc.boolean(), async (prompts, options, subclass) => {
    const m = subclass ? other : model;
    const expected = referenceGenerate(m, prompts, options);
    assert.deepEqual(generateIds(m, prompts, options, { maxLength: T, eosId: EOS }), expected);
    assert.deepEqual(generateIds(m, prompts, options, { maxLength: T, eosId: EOS, kvCache: false }), expected);
  }), { numRuns: 25 });
  model.dispose();
  other.dispose();
});

test('verifiedKvScale: follows the decoder\'s input scale, and refuses models the cache cannot reproduce', async () => {
  await initBackend('wasm');
  const none = tinyModel(3, { embeddingScale: 'none' });
  const sqrt = tinyModel(3, { embeddingScale: 'sqrt-d' });
  // a decoder that ignores embeddingScale reproduces with 1 whatever the config says; one that
  // reads it with sqrt(D): either way the verified scale must reproduce the forward pass
  for (const m of [none, sqrt]) assert.ok([1, 4].includes(verifiedKvScale(m)!), `scale ${verifiedKvScale(m)}`);
  const encoder = tinyModel(3, { causal: false });
  assert.equal(verifiedKvScale(encoder), undefined);
  for (const m of [none, sqrt, encoder]) m.dispose();
});

test('CausalScorer.generate: the same prompts give the same texts whatever else is in the batch', async () => {
  await initBackend('wasm');
  const model = tinyModel(9);
  const scorer = new CausalScorer(model, tokenizer, T, 2);
  const options = { maxTokens: 6, temperature: 1, seed: 4 };
  const together = await scorer.generate(['ab', 'a longer prompt here', 'c'], options);
  const [first] = await scorer.generate(['ab'], options);
  assert.equal(together[0], first);
  assert.deepEqual(await scorer.generate(['ab', 'a longer prompt here', 'c'], options), together);
  model.dispose();
});
