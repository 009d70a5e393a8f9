import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ContractError, type EvalContext, type TrainedTokenizer } from '@labbench/core';
import { perplexity } from '@labbench/plugin-perplexity';
import { referenceLm } from '../src/evaluator.js';
import { scoreBitsPerByte, trainUnigram, trainWittenBellBigram } from '../src/count-models.js';

/** Byte-level tokenizer over 'a'..'e' (ids 0-4) with end-of-text 5. */
const tokenizer = {
  id: 'letters', vocabSize: 6, eosId: 5,
  encode: (text: string) => Int32Array.from([...text].map((c) => c.charCodeAt(0) - 97)),
  decode: (ids: ArrayLike<number>) => Array.from(ids, (i) => String.fromCharCode(97 + i)).join(''),
  toJSON: () => ({}) as never,
} as TrainedTokenizer;
const stream = Int32Array.from([0, 1, 2, 5, 0, 1, 1, 2, 3, 5, 4, 0, 1, 5, 2, 2, 3, 5]);
const docs = { id: [{ source: 'x', id: '1', text: 'abca' }, { source: 'y', id: '2', text: 'bbd' }], ood: [{ source: 'z', id: '3', text: 'eeab' }] };
const context = (options: Record<string, unknown>): EvalContext => ({
  seed: 0, limits: { documents: 9, items: 9, maxChars: 999 }, options, log: () => {},
  data: { inDomain: async () => docs.id, outOfDomain: async () => docs.ood, set: async () => [] },
});
const subject = { tokenizer, trainTokens: async () => stream };

test('reference-lm: the metric names are exactly the perplexity evaluator\'s, and the values are the count model\'s', async () => {
  const records = await referenceLm.evaluate(subject, context({ model: 'bigram', trainTokens: 10 }));
  const model = trainWittenBellBigram(stream.subarray(0, 10), 6);
  const scored = scoreBitsPerByte(model, tokenizer, docs.id.map((d) => d.text));
  const byName = Object.fromEntries(records.map((r) => [r.metric, r]));
  assert.ok(Math.abs(byName['id.all.bits_per_byte'].value - scored.bitsPerByte) < 1e-12);
  assert.ok(Math.abs(byName['id.all.token_ppl'].value - scored.tokenPerplexity) < 1e-12);
  assert.equal(byName['id.all.bits_per_byte'].details?.trainTokens, 10);
  assert.equal(byName['id.all.bits_per_byte'].details?.streamTokens, stream.length);
  // what the perplexity evaluator names for a real model on the same documents
  const fakeScorer = { maxLength: 4, rollingLogLikelihood: async (texts: readonly string[]) => texts.map((t) => ({ logLikelihood: -t.length, tokens: t.length, bytes: t.length })) };
  const names = (await perplexity.evaluate({ tokenizer, scorer: fakeScorer as never }, context({}))).map((r) => r.metric);
  assert.deepEqual(records.map((r) => r.metric), names);
});

test('reference-lm: the unigram trains on the budget, or on the subject\'s budget, or on the whole stream', async () => {
  const value = async (s: object, options: Record<string, unknown>) => (await referenceLm.evaluate(s as never, context(options))).find((r) => r.metric === 'ood.all.bits_per_byte')!.value;
  const expected = (n: number) => scoreBitsPerByte(trainUnigram(stream.subarray(0, n), 6), tokenizer, ['eeab']).bitsPerByte;
  assert.ok(Math.abs(await value(subject, { model: 'unigram', trainTokens: 7 }) - expected(7)) < 1e-12);
  assert.ok(Math.abs(await value({ ...subject, budgetTokens: 12 }, { model: 'unigram' }) - expected(12)) < 1e-12);
  assert.ok(Math.abs(await value(subject, { model: 'unigram', trainTokens: 1e9 }) - expected(stream.length)) < 1e-12);
});

test('reference-lm: bad options are ConfigErrors; a subject without a stream is a ContractError', async () => {
  await assert.rejects(referenceLm.evaluate(subject, context({ model: 'trigram' })), (e: unknown) => e instanceof ConfigError && /options\.model/.test(e.message) && /"trigram"/.test(e.message));
  await assert.rejects(referenceLm.evaluate(subject, context({ model: 'bigram', k: -1 })), ConfigError);
  await assert.rejects(referenceLm.evaluate({ tokenizer }, context({ model: 'bigram' })), ContractError);
});

test('reference-lm: equals the real rolling scorer on a network whose logits are the bigram (windows cut mid-document)', async () => {
  const tf = await import('@tensorflow/tfjs');
  const { CausalScorer } = await import('@labbench/tensor');
  await tf.setBackend('cpu');
  const model = trainWittenBellBigram(stream, 6);
  const table = Array.from({ length: 6 }, (_, v) => Array.from({ length: 6 }, (_, w) => model.logProb(v, w)));
  const network = { kind: 'causal', forward: (ids: import('@tensorflow/tfjs').Tensor2D) => ({ logits: tf.gather(tf.tensor2d(table), ids) }) };
  const windowed = new CausalScorer(network as never, tokenizer, 3, 2); // 3-token windows: documents span several
  const texts = [...docs.id, ...docs.ood].map((d) => d.text);
  const real = await windowed.rollingLogLikelihood(texts);
  const counted = await referenceLm.evaluate(subject, context({ model: 'bigram' }));
  const expectedId = real.slice(0, 2).reduce((a, s) => a + s.logLikelihood, 0);
  const bytes = 4 + 3;
  const bpb = counted.find((r) => r.metric === 'id.all.bits_per_byte')!.value;
  assert.ok(Math.abs(bpb - -expectedId / bytes / Math.LN2) < 1e-5, `${bpb} vs ${-expectedId / bytes / Math.LN2}`);
});
