import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '@labbench/core';
import { DecoderLM, decoderDefaults } from '@labbench/tensor';
import { DECODINGS, generateTokens, transformerLM } from '../src/lm.js';
import { tinyTokenizer } from './fixtures.js';

const tokenizer = tinyTokenizer();
const T = 16;
const model = new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 1, heads: 2, ffnHidden: 32, seqLen: T }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed: 1 });
const lm = transformerLM('lm', model, tokenizer, T, 4);

test('transformerLM: the log-prob of one token equals its entry in the next-token distribution, also past the window', () => {
  const rng = new Rng(5);
  for (const length of [0, 3, T - 1, T + 5]) {
    const context = Int32Array.from({ length }, () => rng.int(0, tokenizer.vocabSize - 2));
    const token = rng.int(0, tokenizer.vocabSize - 2);
    const [dist] = lm.nextLogProbs([context]);
    const [lp] = lm.sequenceLogProb([{ context, tokens: Int32Array.of(token) }]);
    assert.ok(Math.abs(dist[token] - lp) < 1e-4, `context length ${length}: ${dist[token]} vs ${lp}`);
    assert.ok(Math.abs(dist.reduce((a, x) => a + Math.exp(x), 0) - 1) < 1e-3);
  }
});

test('transformerLM: a sequence log-prob is the sum of its next-token log-probs (chain rule)', () => {
  const context = tokenizer.encode('The committee met');
  const tokens = tokenizer.encode(' on friday and');
  const [total] = lm.sequenceLogProb([{ context, tokens }]);
  let sum = 0;
  for (let k = 0; k < tokens.length; k++) {
    const prefix = Int32Array.from([...context, ...tokens.subarray(0, k)]);
    sum += lm.nextLogProbs([prefix])[0][tokens[k]];
  }
  assert.ok(Math.abs(total - sum) < 1e-3, `${total} vs ${sum}`);
});

test('generateTokens: fills the requested length, never emits end-of-text, and is seeded', () => {
  const contexts = [tokenizer.encode('She walked'), tokenizer.encode('Rain fell')];
  for (const decoding of DECODINGS) {
    const a = generateTokens(lm, contexts, [5, 3], decoding, [1, 2], tokenizer.eosId);
    const b = generateTokens(lm, contexts, [5, 3], decoding, [1, 2], tokenizer.eosId);
    assert.deepEqual(a, b);
    assert.deepEqual(a.map((x) => x.length), [5, 3]);
    assert.ok(a.every((x) => !x.includes(tokenizer.eosId)));
  }
});
