import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '@labbench/core';
import { logLikelihood, trainUnigram, trainWittenBellBigram } from '../src/count-models.js';

// Tiny corpus over V = 5 (id 4 never occurs). Expected ln p from the independent Python peer:
// `python3 plugins/reference-lm/test/witten_bell_peer.py` (Chen & Goodman 1998, eq. 14, plain dicts).
const corpus = Int32Array.from([0, 1, 2, 1, 2, 3, 0, 1, 1, 2, 0]);
const V = 5;
const peerUnigram = [-1.38629436112, -1.163150809806, -1.38629436112, -2.07944154168, -2.77258872224];
const peerBigram = [
  [-2.484906649788, -0.260283098264, -2.484906649788, -3.178053830348, -3.871201010908],
  [-2.484906649788, -1.306251653446, -0.538996500733, -3.178053830348, -3.871201010908],
  [-1.232143681293, -1.130360986983, -2.07944154168, -1.47330573811, -3.4657359028],
  [-0.470003629246, -1.856297990366, -2.07944154168, -2.77258872224, -3.4657359028],
  [-1.38629436112, -1.163150809806, -1.38629436112, -2.07944154168, -2.77258872224], // unseen history: the unigram
];

test('trainUnigram: add-one log-probabilities equal the Python peer', () => {
  const model = trainUnigram(corpus, V);
  for (let w = 0; w < V; w++) assert.ok(Math.abs(model.logProb(0, w) - peerUnigram[w]) < 1e-9, `w=${w}`);
  assert.equal(model.trainedTokens, corpus.length);
});

test('trainWittenBellBigram: every ln p(w | v) equals the Python peer, including the unseen history', () => {
  const model = trainWittenBellBigram(corpus, V);
  for (let v = 0; v < V; v++) {
    for (let w = 0; w < V; w++) assert.ok(Math.abs(model.logProb(v, w) - peerBigram[v][w]) < 1e-9, `p(${w} | ${v}): ${model.logProb(v, w)} vs ${peerBigram[v][w]}`);
  }
});

test('trainWittenBellBigram: add-k = 0.5 lower order equals the Python peer', () => {
  const model = trainWittenBellBigram(corpus, V, { k: 0.5 });
  // peer: k=0.5 p(1|1), p(4|2), p(3|4)
  assert.ok(Math.abs(model.logProb(1, 1) - -1.280933845462) < 1e-9);
  assert.ok(Math.abs(model.logProb(2, 4) - -3.988984046564) < 1e-9);
  assert.ok(Math.abs(model.logProb(4, 3) - -2.197224577336) < 1e-9);
});

test('trainWittenBellBigram: p(1 | 0) by hand: c(0,1) = 2, c(0) = 2, T(0) = 1, p_uni(1) = 5/16', () => {
  // (2 + 1 * 5/16) / (2 + 1) = 37/48
  assert.ok(Math.abs(Math.exp(trainWittenBellBigram(corpus, V).logProb(0, 1)) - 37 / 48) < 1e-12);
});

test('logLikelihood: the first token is scored in the start context, then each after its predecessor', () => {
  const model = trainWittenBellBigram(corpus, V);
  const expected = model.logProb(3, 0) + model.logProb(0, 1) + model.logProb(1, 2);
  assert.ok(Math.abs(logLikelihood(model, Int32Array.from([0, 1, 2]), 3) - expected) < 1e-12);
  assert.equal(logLikelihood(model, new Int32Array(0), 3), 0);
});

test('count models: ids outside the vocabulary and bad smoothing are DataErrors that name the value', () => {
  assert.throws(() => trainUnigram(Int32Array.from([0, 5]), V), (e: unknown) => e instanceof DataError && /token id 5 at position 1/.test(e.message));
  assert.throws(() => trainWittenBellBigram(Int32Array.from([-1]), V), DataError);
  assert.throws(() => trainUnigram(corpus, V, { k: 0 }), (e: unknown) => e instanceof DataError && /k must be > 0, got 0/.test(e.message));
  assert.throws(() => trainUnigram(corpus, 0), DataError);
});

test('count models: an empty stream gives the uniform distribution', () => {
  for (const model of [trainUnigram(new Int32Array(0), V), trainWittenBellBigram(new Int32Array(0), V)]) {
    for (let w = 0; w < V; w++) assert.ok(Math.abs(model.logProb(2, w) - Math.log(1 / V)) < 1e-12);
  }
});
