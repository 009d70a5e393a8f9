import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers.js';

// The run's reference rows, knock-out row and gate lines are checked on smoke-run.test.ts's run
// of the same study (one smoke run fewer in the suite); here, what the plan makes of them.

test('labbench plan --json: reference and knock-out cells, hours and shard commands', () => {
  const r = runCli(['plan', '--profile', 'smoke', '--study', 'dense-baseline', '--seeds', '2', '--hours-per-shard', '0.000001', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /tfjs-node/, "tfjs's banner: the models are built only for their costs");
  const plan = JSON.parse(r.stdout) as { cells: { arm: string; seed: number; hours: number; tokens: number; flopsPerTokenTrain: number }[]; totalHours: number; shards: { command: string; hours: number }[] };
  assert.deepEqual([...new Set(plan.cells.map((c) => c.arm))], ['swiglu', 'relu', 'ref-unigram', 'ref-bigram', 'knockout-ffn']);
  assert.equal(plan.cells.length, 10);
  assert.ok(plan.cells.every((c) => c.hours > 0 && c.tokens === 12 * 4 * 32));
  assert.ok(Math.abs(plan.shards.reduce((a, s) => a + s.hours, 0) - plan.totalHours) < 1e-9);
  assert.ok(plan.shards.length > 1, 'a tiny target cuts several shards');
  assert.match(plan.shards[0].command, /^labbench run --profile smoke --study dense-baseline --seeds 2 --shard 1\/\d+$/);
  const bad = runCli(['plan', '--profile', 'smoke', '--hours-per-shard', '0']);
  assert.equal(bad.code, 2);
});
