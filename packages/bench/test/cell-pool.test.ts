import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { workerV8Options } from '../src/cell-pool.js';

const sparesHelpers = (options: string[]) => options.includes('--single-threaded-gc') && options.some((o) => o.startsWith('--interrupt-budget='));

test('workers collect garbage on their own thread and optimise later only when they fill every core', () => {
  assert.ok(!sparesHelpers(workerV8Options(1, 2, undefined)));
  assert.ok(!sparesHelpers(workerV8Options(3, 8, undefined)));
  assert.ok(sparesHelpers(workerV8Options(2, 2, undefined)));
  assert.ok(sparesHelpers(workerV8Options(4, 2, undefined)));
  for (const [workers, cores] of [
    [1, 2],
    [2, 2],
  ])
    assert.ok(workerV8Options(workers, cores, undefined).includes('--max-semi-space-size=64'));
});

test('LABBENCH_WORKER_V8_OPTIONS replaces the defaults (empty: V8 defaults)', () => {
  assert.deepEqual(workerV8Options(2, 2, ''), []);
  assert.deepEqual(workerV8Options(2, 2, ' --max-semi-space-size=16  --single-threaded-gc '), ['--max-semi-space-size=16', '--single-threaded-gc']);
});

test('the interrupt budget is 8x the default of the V8 in this Node', () => {
  // the constant names V8's default; a Node upgrade that moves it must move the constant too
  const v8Default = Number(/--interrupt-budget=(\d+)/.exec(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }))?.[1]);
  assert.ok(v8Default > 0, 'node --v8-options lists --interrupt-budget');
  assert.ok(workerV8Options(2, 2, undefined).includes(`--interrupt-budget=${8 * v8Default}`));
});

test('this Node accepts the options a worker is started with', () => {
  // a worker's fork fails at start-up on an unknown V8 flag; check both sets on the Node running the tests
  for (const workers of [1, 2]) execFileSync(process.execPath, [...workerV8Options(workers, 2, undefined), '-e', '0']);
});
