import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { logLikelihood, trainUnigram, trainWittenBellBigram } from '../src/count-models.js';

/** A vocabulary size and a stream of ids in it (small, so repeats and unseen ids both happen). */
const streams = fc.integer({ min: 1, max: 12 }).chain((V) => fc.record({
  V: fc.constant(V),
  tokens: fc.array(fc.integer({ min: 0, max: V - 1 }), { maxLength: 60 }).map((a) => Int32Array.from(a)),
  k: fc.constantFrom(1, 0.5, 0.01),
}));

test('count models: for any stream, vocabulary and context, probabilities sum to 1 over the vocabulary', () => {
  fc.assert(fc.property(streams, fc.nat(), ({ V, tokens, k }, context) => {
    for (const model of [trainUnigram(tokens, V, { k }), trainWittenBellBigram(tokens, V, { k })]) {
      const prev = context % V;
      let sum = 0;
      for (let w = 0; w < V; w++) {
        const p = Math.exp(model.logProb(prev, w));
        assert.ok(p > 0 && p <= 1, `p(${w} | ${prev}) = ${p}`);
        sum += p;
      }
      assert.ok(Math.abs(sum - 1) < 1e-9, `${model.kind}: sum ${sum}`);
    }
  }));
});

test('count models: for any stream, the bigram scores its own training text at least as well as the unigram', () => {
  // Scored as the bigram was counted (each token after its predecessor), so bits per byte compare
  // as log-likelihoods over the same bytes; Witten-Bell mixes the unigram with the ML bigram, which
  // is at least as likely on its own counts (Gibbs' inequality, per history).
  fc.assert(fc.property(streams.filter(({ tokens }) => tokens.length >= 2), ({ V, tokens, k }) => {
    const rest = tokens.subarray(1);
    const uni = logLikelihood(trainUnigram(tokens, V, { k }), rest, tokens[0]);
    const bi = logLikelihood(trainWittenBellBigram(tokens, V, { k }), rest, tokens[0]);
    assert.ok(bi >= uni - 1e-9, `bigram ${bi} < unigram ${uni}`);
  }));
});
