import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDir } from './helpers.js';

/** A board CSV without the columns that legitimately differ between runs (the run date). */
function boardWithoutDates(path: string): Record<string, string>[] {
  return (parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[]).map(({ date, ...rest }) => { void date; return rest; });
}

test('shards 1/2 and 2/2 merged give the same leaderboards as one unsharded run with the same seeds', () => {
  const whole = tempDir('labbench-whole-');
  const sharded = tempDir('labbench-shards-');
  const args = ['run', '--study', 'dense-baseline', '--profile', 'smoke', '--seeds', '2', '--quiet'];
  assert.equal(runCli([...args, '--out', join(whole, 'run')], { home: whole }).code, 0);
  for (const shard of ['1/2', '2/2']) {
    const r = runCli([...args, '--shard', shard, '--out', join(sharded, `shard${shard[0]}`)], { home: sharded });
    assert.equal(r.code, 0, r.stderr);
  }
  const s1 = JSON.parse(readFileSync(join(sharded, 'shard1', 'cells.json'), 'utf8')) as { seed: number }[];
  const s2 = JSON.parse(readFileSync(join(sharded, 'shard2', 'cells.json'), 'utf8')) as { seed: number }[];
  const all = JSON.parse(readFileSync(join(whole, 'run', 'cells.json'), 'utf8')) as unknown[];
  assert.ok(s1.length > 0 && s2.length > 0 && s1.length + s2.length === all.length, 'the cells are split across both shards');
  const merged = runCli(['publish', '--results', join(sharded, 'shard1', 'results.jsonl'), join(sharded, 'shard2', 'results.jsonl'), '--out', join(sharded, 'site')], { home: sharded });
  assert.equal(merged.code, 0, merged.stderr);
  const single = runCli(['publish', '--results', join(whole, 'run', 'results.jsonl'), '--out', join(whole, 'site')], { home: whole });
  assert.equal(single.code, 0, single.stderr);
  for (const board of ['ppl', 'downstream', 'detection']) {
    assert.deepEqual(boardWithoutDates(join(sharded, 'site', `${board}.csv`)), boardWithoutDates(join(whole, 'site', `${board}.csv`)), board);
  }
});
