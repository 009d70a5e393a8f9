import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { initBackend, tf } from '@labbench/tensor';
import { nativeThreads } from '../../tensor/src/backend/select.js';
import * as native from '../src/index.js';
import { buildBenchModel, randomBatch, trainStep } from '../../tensor/src/bench/models.js';

/**
 * Results must not depend on the thread count (issue #19): the same training steps on 1 and on 2
 * native threads give the same weights, bit for bit, on both throughput models (the ref model's
 * matmuls are large enough to be split over the threads, by rows and by batch).
 */
async function weightsAfter(modelId: string, threads: number, steps: number): Promise<string> {
  await nativeThreads(threads);
  const model = buildBenchModel(modelId, 3, modelId === 'ref' ? { layers: 1, batch: 4 } : {});
  const optimizer = model.optimizer();
  const { ids, targets } = randomBatch(model, 3);
  for (let i = 0; i < steps; i++) trainStep(model, optimizer, ids, targets);
  const hash = createHash('sha256');
  for (const v of model.variables) hash.update(Buffer.from((v.dataSync() as Float32Array).buffer));
  optimizer.dispose();
  model.dispose();
  tf.dispose([ids, targets]);
  return hash.digest('hex');
}

test(`training on 1 and 2 native threads gives the same weights, bit for bit${native.available ? '' : ' (skipped: the addon is not built)'}`, async () => {
  if (!native.available) return;
  const info = await initBackend('wasm');
  assert.equal(info.nativeKernels, true);
  const before = await nativeThreads();
  try {
    for (const modelId of ['tiny', 'ref']) {
      const one = await weightsAfter(modelId, 1, 4);
      const two = await weightsAfter(modelId, 2, 4);
      assert.equal(two, one, `${modelId}: weights differ between 1 and 2 threads`);
    }
  } finally {
    await nativeThreads(before);
  }
});
