// tools/campaign/status.sh reads where the campaign stands from the repository: added parts, cells
// kept by keep-cells.sh, and the planned hours of the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
// a study whose part is not added, and two of its trained arms; the first two tests read a runs
// folder where only dense-baseline is added, so they do not depend on how far the campaign is
const STUDY = 'uniattn';
const [ARM_A, ARM_B] = ['plain', 'cla'];
const runsWithDenseBaselineOnly = () => {
  const runs = mkdtempSync(join(tmpdir(), 'labbench-status-runs-'));
  mkdirSync(join(runs, 'dense-baseline'));
  writeFileSync(join(runs, 'dense-baseline', 'results.jsonl'), '');
  return runs;
};
const status = (env) => {
  const out = spawnSync('bash', [join(root, 'tools/campaign/status.sh'), '--json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
};

test('status: an added part has no hours left, kept cells come off their study\'s hours, and the total is the sum', () => {
  const kept = mkdtempSync(join(tmpdir(), 'labbench-status-'));
  const env = { LABBENCH_KEPT_CELLS: kept, LABBENCH_CAMPAIGN_RUNS: runsWithDenseBaselineOnly() };
  const before = status(env);
  assert.equal(before.studies['dense-baseline'].added, true);
  assert.equal(before.studies['dense-baseline'].left, 0);
  assert.equal(before.studies[STUDY].added, false, `${STUDY} is added: pick a study whose part is not`);
  const part = before.studies[STUDY];
  assert.ok(part.left > 0 && Math.abs(part.left - part.hours) < 1e-9, 'nothing kept: all of it is left');
  mkdirSync(join(kept, STUDY));
  writeFileSync(join(kept, STUDY, 'cells.tsv'), `arm\tseed\tevalKey\n${ARM_A}\t0\t${'a'.repeat(64)}\n${ARM_B}\t1\t${'b'.repeat(64)}\n`);
  const after = status(env);
  assert.deepEqual(after.studies[STUDY].kept, [{ arm: ARM_A, seed: 0 }, { arm: ARM_B, seed: 1 }]);
  assert.ok(after.studies[STUDY].left < part.left && after.studies[STUDY].left > 0);
  const sum = Object.values(after.studies).reduce((a, s) => a + s.left, 0);
  assert.ok(Math.abs(after.hoursLeft - sum) < 1e-9);
  assert.equal(after.studies[STUDY].measuredRatio, null, 'no kept entry to measure');
});

test('status: a kept trained cell\'s wall time against its planned hours scales the rest of its study', () => {
  const kept = mkdtempSync(join(tmpdir(), 'labbench-status-'));
  const env = { LABBENCH_KEPT_CELLS: kept, LABBENCH_CAMPAIGN_RUNS: runsWithDenseBaselineOnly() };
  const plan = status(env);
  mkdirSync(join(kept, STUDY, 'evals'), { recursive: true });
  writeFileSync(join(kept, STUDY, 'cells.tsv'), `arm\tseed\tevalKey\n${ARM_A}\t0\t${'a'.repeat(64)}\n`);
  writeFileSync(join(kept, STUDY, 'evals', `${'a'.repeat(64)}.json.gz`), gzipSync(JSON.stringify({ checksum: 'x', payload: { wallSeconds: 1800, artifact: { tokens: 7372800 } } })));
  const after = status(env);
  const m = after.studies[STUDY];
  // the planned hours of the kept cell are what it took off the study's plan
  const plannedHours = plan.studies[STUDY].left - m.left;
  assert.ok(Math.abs(m.measuredRatio - 0.5 / plannedHours) < 1e-9, `${m.measuredRatio} vs ${0.5 / plannedHours}`);
  assert.ok(Math.abs(m.leftMeasured - m.left * m.measuredRatio) < 1e-9);
});

test('status: an added part reports the compute it measured, a training two parts share counted once', () => {
  const runs = mkdtempSync(join(tmpdir(), 'labbench-status-runs-'));
  const training = (wallSeconds, loss) => JSON.stringify({ study: 'x', arm: 'a', seed: 0, training: { tokens: 100, wallSeconds, trainLoss: [{ step: 1, tokens: 100, value: loss }] } });
  // dsmoe loads dense-baseline's trained model from the cache: the same training record in both
  const part = (study, lines, cells) => {
    mkdirSync(join(runs, study));
    writeFileSync(join(runs, study, 'results.jsonl'), '');
    writeFileSync(join(runs, study, 'training.jsonl.gz'), gzipSync(`${lines.join('\n')}\n`));
    // labbench run writes a plain array; the object form is accepted too
    writeFileSync(join(runs, study, 'cells.json'), JSON.stringify(study === 'dsmoe' ? { cells } : cells));
  };
  const near = (actual, expected) => {
    for (const [k, v] of Object.entries(expected)) assert.ok(Math.abs(actual[k] - v) < 1e-12, `${k}: ${actual[k]} vs ${v}`);
  };
  part('dense-baseline', [training(3600, 4.1), training(1800, 4.9)], [{ status: 'ok', evalSeconds: 360 }, { status: 'ok', evalSeconds: 180 }]);
  part('dsmoe', [training(3600, 4.1), training(900, 4.3)], [{ status: 'cached', evalSeconds: null }, { status: 'ok', evalSeconds: 36 }]);
  const out = status({ LABBENCH_KEPT_CELLS: mkdtempSync(join(tmpdir(), 'labbench-status-')), LABBENCH_CAMPAIGN_RUNS: runs });
  near(out.studies['dense-baseline'].measured, { trainHours: 1.5, evalHours: 0.15 });
  near(out.studies.dsmoe.measured, { trainHours: 0.25, evalHours: 0.01 });
  assert.equal(out.studies.finedeep.added, false, 'the parts folder is the one given');
  assert.equal(out.studies.finedeep.measured, null);
  near(out.measured, { trainHours: 1.75, evalHours: 0.16 });
});
