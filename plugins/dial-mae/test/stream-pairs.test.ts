import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, PAIR_SEPARATORS, encodeDocuments } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { initBackend, tf, trainModel } from '@labbench/tensor';
import { tinyRequest } from '@labbench/tensor/testing';
import plugin, { dialMaeStudy, dialMaeSweep } from '../src/index.js';
import type { DialMaeModel } from '../src/model.js';
import { pairMarkers, pairsFromStream } from '../src/stream-pairs.js';
import { encoderVocab, tinyConfig } from './helpers.js';

const factory = plugin.models![0];
const tokenizer = byteTokenizer();
const vocab = encoderVocab(tokenizer.vocabSize);
const markers = pairMarkers(tokenizer);
// documents as the data provider writes them for the email-pairs mixture
const document = (turns: readonly string[], response: string) => `${turns.join(PAIR_SEPARATORS.turn)}${PAIR_SEPARATORS.response}${response}`;
const text = fc.stringMatching(/^[a-z ,.?]{4,30}$/);

test('pairsFromStream: for any pair documents, the pairs are exactly their turns (joined by [SEP]) and responses', () => {
  fc.assert(fc.property(fc.array(fc.record({ turns: fc.array(text, { minLength: 1, maxLength: 3 }), response: text }), { minLength: 1, maxLength: 6 }), (docs) => {
    const stream = encodeDocuments(tokenizer, docs.map((d) => document(d.turns, d.response)));
    const pairs = pairsFromStream(stream, markers, tokenizer.eosId, vocab.sep, 1);
    assert.equal(pairs.length, docs.length);
    pairs.forEach((p, i) => {
      const turns = docs[i].turns.map((t) => [...tokenizer.encode(t)]);
      assert.deepEqual([...p.context], turns.flatMap((t, k) => (k === 0 ? t : [vocab.sep, ...t])));
      assert.deepEqual([...p.response], [...tokenizer.encode(docs[i].response)]);
    });
  }), { numRuns: 100 });
});

test('pairsFromStream: plain text (no pair documents) gives no pairs', () => {
  assert.deepEqual(pairsFromStream(tokenizer.encode('the quick brown fox.\nJumps over the lazy dog.\n'), markers, tokenizer.eosId, vocab.sep, 1), []);
});

const pairDocs = Array.from({ length: 120 }, (_, i) => document([`message ${i} asks about the build on host ${i % 7}`], `reply ${i}: the build on host ${i % 7} works now`));
const pairRequest = (objective: string, steps = 2) => {
  const base = tinyRequest(factory, { ...tinyConfig, objective }, steps);
  return { ...base, trainTokens: encodeDocuments(tokenizer, pairDocs) };
};

test('dial-mae-encoder: post-training draws its pairs from the thread pairs of the stream (train and validation disjoint), not from text windows', async () => {
  await initBackend('cpu');
  const request = pairRequest('dial-mae');
  const model = factory.create(request.modelConfig, { vocabSize: 257, seqLen: 16, seed: 1 }) as DialMaeModel;
  const { record } = await trainModel(request, model);
  assert.ok(record.trainLoss.every((p) => Number.isFinite(p.value)) && record.validLoss.every((p) => Number.isFinite(p.value)));
  const pool = model.pairPool(tokenizer);
  const responses = (ps: typeof pool.train) => ps.map((p) => tokenizer.decode(p.response));
  assert.equal(pool.train.length + pool.valid.length, pairDocs.length);
  assert.deepEqual(new Set([...responses(pool.train), ...responses(pool.valid)]), new Set(pairDocs.map((d) => d.split(PAIR_SEPARATORS.response)[1])));
  assert.ok(!responses(pool.valid).some((r) => responses(pool.train).includes(r)));
  assert.equal(pool.valid.length, 12);
  model.dispose();
});

test('dial-mae-encoder: the validation objective uses distinct pairs in a batch, the same ones at every call', async () => {
  await initBackend('cpu');
  const request = pairRequest('infonce');
  const model = factory.create(request.modelConfig, { vocabSize: 257, seqLen: 16, seed: 1 }) as DialMaeModel;
  model.beginTraining!({ trainTokens: request.trainTokens, seqLen: 16, batchSize: 4, steps: 1, seed: 0 });
  const ids = tf.tensor2d(Array.from({ length: 4 }, (_, r) => Array.from({ length: 16 }, (_, t) => (r * 16 + t) % 200)), [4, 16], 'int32');
  const loss = () => tf.tidy(() => model.objective!(ids, ids, { training: false, tokenizer }).loss.dataSync()[0]);
  const first = loss();
  assert.equal(loss(), first);
  assert.ok(Math.abs(first - Math.log(4)) > 1e-4, `loss ${first} is ln 4: the batch repeats one pair`);
  ids.dispose();
  model.dispose();
});

test('dial-mae-encoder: with the default pair source, a stream without pairs is a ConfigError (no silent window split)', async () => {
  await initBackend('cpu');
  for (const objective of ['mlm-pairs', 'dial-mae', 'infonce']) {
    const request = tinyRequest(factory, { ...tinyConfig, objective }, 1);
    const model = factory.create(request.modelConfig, { vocabSize: 257, seqLen: 16, seed: 1 });
    await assert.rejects(trainModel(request, model), (e: unknown) => e instanceof ConfigError && /email-pairs/.test(e.message), objective);
    model.dispose();
  }
});

test('dial-mae studies: every post-training and fine-tuning arm trains on e-mail thread pairs; stage 0 on plain text', () => {
  for (const study of [dialMaeStudy, dialMaeSweep]) {
    for (const [id, arm] of Object.entries(study.arms)) {
      const objective = (arm.modelConfig as { objective: string }).objective;
      if (objective === 'mlm') assert.equal(arm.mixture, undefined, `${study.id}/${id}`);
      else {
        assert.equal(arm.mixture, 'email-pairs', `${study.id}/${id}`);
        assert.notEqual((arm.modelConfig as { pairSource?: string }).pairSource, 'windows', `${study.id}/${id}`);
      }
    }
  }
});

test('dial-mae study: one headline claim, every claim has an id, the paper figure and declared gates', () => {
  const claims = dialMaeStudy.claims ?? [];
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  const gates = new Set((dialMaeStudy.gates ?? []).map((g) => g.id));
  for (const c of claims) {
    assert.match(c.id, /^[a-z][a-z0-9.-]*$/);
    assert.ok(c.paper.figure.length > 0 && c.paper.source.length > 0);
    assert.ok((c.gates ?? []).length > 0 && (c.gates ?? []).every((g) => gates.has(g)), c.id);
  }
});
