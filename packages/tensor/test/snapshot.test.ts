/**
 * Training snapshots (train/snapshot.ts): a snapshot that does not fit this training is discarded
 * before anything is assigned, and training starts from step 1 with the bits of a fresh start.
 * That a fitting snapshot resumes with the bits of an uninterrupted training is in the model
 * contract suite (testing/index.ts), for every model plugin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainingSnapshots } from '@labbench/core';
import { DecoderLM, decoderDefaults, initBackend } from '../src/index.js';
import { tinyRequest } from '../src/testing/index.js';
import { trainModel } from '../src/train/trainer.js';

const factory = {
  id: 'tiny-decoder', description: 'test', kind: 'causal' as const, defaults: {},
  create: (config: Record<string, unknown>, context: { vocabSize: number; seqLen: number; seed: number }) =>
    new DecoderLM({ ...decoderDefaults, dModel: 8, layers: 1, heads: 2, ffnHidden: Number(config.ffnHidden ?? 8), seqLen: 16 }, context),
};

async function train(config: Record<string, unknown>, snapshots?: TrainingSnapshots) {
  const request = tinyRequest(factory, config, 4);
  const model = factory.create(config, { vocabSize: 257, seqLen: 16, seed: 1 });
  const { record } = await trainModel({ ...request, snapshots }, model);
  const weights = model.variables.map((v) => Array.from(v.dataSync()));
  model.dispose();
  return { weights, trainLoss: record.trainLoss };
}

async function snapshotsOf(config: Record<string, unknown>): Promise<Uint8Array[]> {
  const saved: Uint8Array[] = [];
  await train(config, { everySeconds: 0, load: () => undefined, save: (encode) => saved.push(encode()), discard: () => {} });
  return saved;
}

test('a snapshot that does not fit (corrupted, another model, a step outside the training) is discarded and training starts from step 1', async () => {
  await initBackend('cpu');
  const fresh = await train({});
  const [first] = await snapshotsOf({});
  const corrupted = Uint8Array.from(first);
  corrupted[corrupted.length - 1] ^= 0xff;
  const [otherModel] = await snapshotsOf({ ffnHidden: 12 });
  const cases: [string, Uint8Array, RegExp][] = [
    ['corrupted', corrupted, /checksum mismatch/],
    ['another model', otherModel, /saved for other variables/],
    ['not a snapshot', new TextEncoder().encode('hello'), /not a labbench\.snapshot\/v1 file/],
  ];
  for (const [what, bytes, reason] of cases) {
    const discarded: string[] = [];
    const result = await train({}, { everySeconds: 3600, load: () => bytes, save: () => {}, discard: (why) => discarded.push(why) });
    assert.equal(discarded.length, 1, `${what}: discarded once`);
    assert.match(discarded[0], reason, what);
    assert.deepEqual(result, fresh, `${what}: the same bits as a fresh start`);
  }
});

test('a snapshot saved by a longer training (its step past this one) is discarded', async () => {
  await initBackend('cpu');
  const saved: Uint8Array[] = [];
  const request = tinyRequest(factory, {}, 8);
  const model = factory.create({}, { vocabSize: 257, seqLen: 16, seed: 1 });
  await trainModel({ ...request, snapshots: { everySeconds: 0, load: () => undefined, save: (encode) => saved.push(encode()), discard: () => {} } }, model);
  model.dispose();
  const discarded: string[] = [];
  await train({}, { everySeconds: 3600, load: () => saved[5], save: () => {}, discard: (why) => discarded.push(why) });
  assert.match(discarded[0] ?? '', /saved after step 6, outside 1\.\.3/);
});

test('a training with phases (a fresh optimizer per phase) resumed after any step, the phase boundary included, ends with the same bits', async () => {
  await initBackend('cpu');
  class Phased extends DecoderLM {
    beginTraining() {
      return { phases: [{ name: 'embedding', fraction: 0.5, variables: [this.tokenEmbedding] }, { name: 'all', fraction: 0.5, variables: this.variables }] };
    }
  }
  const phased = { ...factory, create: (_c: Record<string, unknown>, context: { vocabSize: number; seqLen: number; seed: number }) => new Phased({ ...decoderDefaults, dModel: 8, layers: 1, heads: 2, ffnHidden: 8, seqLen: 16 }, context) };
  const run = async (snapshots?: TrainingSnapshots) => {
    const model = phased.create({}, { vocabSize: 257, seqLen: 16, seed: 1 });
    const { record } = await trainModel({ ...tinyRequest(phased, {}, 6), snapshots }, model);
    const weights = model.variables.map((v) => Array.from(v.dataSync()));
    model.dispose();
    return { weights, trainLoss: record.trainLoss, validLoss: record.validLoss };
  };
  const saved: Uint8Array[] = [];
  const never = await run({ everySeconds: 0, load: () => undefined, save: (encode) => saved.push(encode()), discard: () => {} });
  assert.equal(saved.length, 5);
  for (const [i, bytes] of saved.entries()) {
    assert.deepEqual(await run({ everySeconds: 3600, load: () => bytes, save: () => {}, discard: (why) => assert.fail(why) }), never, `resumed after step ${i + 1} (the first phase ends at step 3)`);
  }
});

test('a training asked to stop saves a snapshot after the step it is in, whatever everySeconds says, and ends with TrainingStopped; resuming from it ends with the same bits', async () => {
  const { TrainingStopped } = await import('@labbench/core');
  await initBackend('cpu');
  const fresh = await train({});
  for (const stopAfter of [1, 2, 3]) {
    const saved: Uint8Array[] = [];
    let polls = 0;
    await assert.rejects(
      train({}, { everySeconds: 3600, load: () => undefined, save: (encode) => saved.push(encode()), discard: () => {}, stopRequested: () => ++polls >= stopAfter }),
      (error) => error instanceof TrainingStopped && error.step === stopAfter,
    );
    assert.equal(saved.length, 1, `stop after step ${stopAfter}: one snapshot, the stop's`);
    const resumed = await train({}, { everySeconds: 3600, load: () => saved[0], save: () => {}, discard: () => assert.fail('the stop snapshot fits') });
    assert.deepEqual(resumed, fresh, `stop after step ${stopAfter}`);
  }
});
