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
  await train(config, { everySeconds: 0, load: () => undefined, save: (b) => saved.push(b), discard: () => {} });
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
    ['not a snapshot', new TextEncoder().encode('hello'), /not a labbench labbench\.snapshot\/v1 file/],
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
  await trainModel({ ...request, snapshots: { everySeconds: 0, load: () => undefined, save: (b) => saved.push(b), discard: () => {} } }, model);
  model.dispose();
  const discarded: string[] = [];
  await train({}, { everySeconds: 3600, load: () => saved[5], save: () => {}, discard: (why) => discarded.push(why) });
  assert.match(discarded[0] ?? '', /saved after step 6, outside 1\.\.3/);
});
