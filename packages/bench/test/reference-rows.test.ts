import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDir } from './helpers.js';

test('labbench run --study dense-baseline --profile smoke: ppl.csv has unigram and bigram reference rows and a knock-out control row', () => {
  const home = tempDir('labbench-refs-');
  const out = join(home, 'run');
  const r = runCli(['run', '--study', 'dense-baseline', '--profile', 'smoke', '--quiet', '--out', out], { home });
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(readFileSync(join(out, 'ppl.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const byArm = new Map(rows.map((row) => [row.arm, row]));
  for (const arm of ['swiglu', 'relu', 'ref-unigram', 'ref-bigram', 'knockout-ffn']) {
    const bpb = Number(byArm.get(arm)?.['id.all.bits_per_byte']);
    assert.ok(Number.isFinite(bpb) && bpb > 0, `${arm}: id.all.bits_per_byte ${bpb}`);
    assert.ok(Number(byArm.get(arm)?.['ood.all.token_ppl']) > 1, `${arm}: ood token perplexity`);
  }
  const records = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { arm: string; metric: string; details?: Record<string, unknown>; provenance: { paramsTotal: number } });
  const bigram = records.find((x) => x.arm === 'ref-bigram' && x.metric === 'id.all.bits_per_byte')!;
  assert.equal(bigram.details?.reference, 'bigram');
  assert.equal(bigram.details?.trainTokens, 12 * 4 * 32, 'the smoke budget: steps x batch x context');
  const knockout = records.find((x) => x.arm === 'knockout-ffn')!;
  const swiglu = records.find((x) => x.arm === 'swiglu')!;
  assert.ok(knockout.provenance.paramsTotal < swiglu.provenance.paramsTotal, 'the knock-out has fewer parameters');
});

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
