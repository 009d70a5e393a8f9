import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDir } from './helpers.js';

test('labbench run --study dense-baseline --profile smoke: ppl.csv has unigram and bigram reference rows and a knock-out control row; its gates are in results.jsonl and REPLICATION.md', () => {
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
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const records = lines.filter((x) => x.schema === 'labbench.result/v1') as { arm: string; metric: string; value: number; details?: Record<string, unknown>; provenance: { paramsTotal: number } }[];
  const bigram = records.find((x) => x.arm === 'ref-bigram' && x.metric === 'id.all.bits_per_byte')!;
  assert.equal(bigram.details?.reference, 'bigram');
  assert.equal(bigram.details?.trainTokens, 12 * 4 * 32, 'the smoke budget: steps x batch x context');
  const knockout = records.find((x) => x.arm === 'knockout-ffn')!;
  const swiglu = records.find((x) => x.arm === 'swiglu')!;
  assert.ok(knockout.provenance.paramsTotal < swiglu.provenance.paramsTotal, 'the knock-out has fewer parameters');

  // the validity gates, measured after the run, follow the result records: recomputed here from the rows
  const gates = lines.filter((x) => x.schema === 'labbench.gate/v1') as { claim: string; gate: string; measured: number; threshold: number; comparison: string; passed: boolean; claimVerdict: string }[];
  assert.ok(lines.slice(lines.length - gates.length).every((x) => x.schema === 'labbench.gate/v1'), 'gate lines come last');
  const bpb = (arm: string) => records.find((x) => x.arm === arm && x.metric === 'id.all.bits_per_byte')!.value;
  const expected = new Map([
    ['beats-bigram', bpb('ref-bigram') - bpb('relu')], // the study's reference arm is its ReLU baseline
    ['knockout-ffn-matters', bpb('knockout-ffn') - bpb('swiglu')],
  ]);
  assert.deepEqual(gates.map((g) => g.gate).sort(), [...expected.keys()].sort());
  for (const g of gates) {
    assert.equal(g.claim, 'swiglu-beats-relu');
    assert.ok(Math.abs(g.measured - expected.get(g.gate)!) < 1e-12, `${g.gate}: ${g.measured} vs ${expected.get(g.gate)}`);
    assert.equal(g.passed, g.measured >= g.threshold);
  }
  assert.equal(gates[0].claimVerdict === 'invalid regime', !gates.every((g) => g.passed), 'a failed gate, and only that, makes the regime invalid');
  const validate = runCli(['validate', join(out, 'results.jsonl')], { home });
  assert.match(validate.stdout, new RegExp(`${records.length} valid records, ${gates.length} valid gate records`));

  // and REPLICATION.md, from publishing the run, lists each with its measured value and threshold
  const site = join(home, 'site');
  const published = runCli(['publish', '--results', join(out, 'results.jsonl'), '--out', site], { home });
  assert.equal(published.code, 0, published.stderr);
  const report = readFileSync(join(site, 'REPLICATION.md'), 'utf8');
  for (const g of gates) assert.ok(report.includes(`${g.gate} ${Number(g.measured.toPrecision(3))} ${g.comparison} ${g.threshold}`), `${g.gate} in REPLICATION.md`);
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
