import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { shardFromEnvironment } from '../src/shard-env.js';

test('Slurm arrays: whatever the base and step of the index, the shards are disjoint and cover 1..n', () => {
  fc.assert(fc.property(fc.nat(1000), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5 }), (min, count, step) => {
    const shards = Array.from({ length: count }, (_, k) => shardFromEnvironment({
      SLURM_ARRAY_TASK_ID: String(min + k * step), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_COUNT: String(count), SLURM_ARRAY_TASK_STEP: String(step),
    }));
    assert.deepEqual(shards.map((s) => s?.index), Array.from({ length: count }, (_, k) => k + 1));
    assert.ok(shards.every((s) => s?.count === count));
  }), { verbose: true });
});

test('Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX from 0 with the count the manifest passes', () => {
  assert.deepEqual(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', LABBENCH_SHARD_COUNT: '4' }), { index: 1, count: 4 });
  assert.deepEqual(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3', LABBENCH_SHARD_COUNT: '4' }), { index: 4, count: 4 });
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4', LABBENCH_SHARD_COUNT: '4' }), /not below LABBENCH_SHARD_COUNT=4/);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' }), /LABBENCH_SHARD_COUNT/);
});

test('outside a job array there is no shard; an index outside the array is refused with a sentence', () => {
  assert.equal(shardFromEnvironment({}), undefined);
  assert.throws(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '4' }), /not one of the 4 tasks/);
  assert.throws(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' }), /SLURM_ARRAY_TASK_COUNT/);
});
