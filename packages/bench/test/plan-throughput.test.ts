import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DataError } from '@labbench/core';
import { DEFAULT_TRAIN_GFLOPS, readThroughput } from '../src/commands/plan.js';
import { tempDir } from './helpers.js';

test('plan throughput: a stored trainGflops, the best achievedGflops of a bench throughput result, or the default', () => {
  const dir = tempDir('labbench-tp-');
  assert.equal(readThroughput(undefined, dir).trainGflops, DEFAULT_TRAIN_GFLOPS);
  writeFileSync(join(dir, 'throughput.json'), JSON.stringify({ trainGflops: 57 }));
  assert.deepEqual(readThroughput(undefined, dir), { trainGflops: 57, source: join(dir, 'throughput.json') });
  const bench = join(dir, 'bench.json');
  writeFileSync(bench, JSON.stringify({ results: [{ variant: 'wasm', achievedGflops: 9.5 }, { variant: 'native', achievedGflops: 31.25 }, { variant: 'stock', skipped: 'x' }] }));
  assert.equal(readThroughput(bench, dir).trainGflops, 31.25);
});

test('plan throughput: a missing named file is a ConfigError; a file without a positive rate is a DataError', () => {
  const dir = tempDir('labbench-tp-');
  assert.throws(() => readThroughput(join(dir, 'nope.json'), dir), ConfigError);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ trainGflops: -1 }));
  assert.throws(() => readThroughput(bad, dir), (e: unknown) => e instanceof DataError && /trainGflops/.test(e.message));
  writeFileSync(bad, '{');
  assert.throws(() => readThroughput(bad, dir), DataError);
});
