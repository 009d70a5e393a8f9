import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';

/**
 * `labbench run --jobs 2` makes each tokenizer and token stream once, in its own process, while
 * the workers start (issue #19): the workers load them from the content store instead of each
 * training the tokenizer and encoding the streams of the seeds they get.
 */
test('run --jobs 2: the tokenizer is trained once and each seed\'s streams are stored once, whatever the number of workers', () => {
  const home = tempDir('labbench-prepare-');
  const out = join(home, 'out');
  const run = runCli(['run', '--study', 'dense-baseline', '--profile', 'smoke', '--seeds', '2', '--jobs', '2', '--out', out], { home });
  assert.equal(run.code, 0, run.stderr);
  const trained = run.stderr.match(/trained tokenizer/g) ?? [];
  assert.equal(trained.length, 1, run.stderr);
  const streams = readdirSync(join(home, 'cache', 'streams')).filter((f) => f.endsWith('.bin'));
  assert.equal(streams.length, 2, `one stored stream per seed: ${streams.join(', ')}`);
  const cells = JSON.parse(readFileSync(join(out, 'cells.json'), 'utf8')) as { seed: number; status: string }[];
  assert.deepEqual([...new Set(cells.map((c) => c.seed))].sort(), [0, 1]);
  assert.ok(cells.every((c) => c.status === 'ok'), JSON.stringify(cells));
});
