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
const status = (env) => {
  const out = spawnSync('bash', [join(root, 'tools/campaign/status.sh'), '--json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
};

test('status: an added part has no hours left, kept cells come off their study\'s hours, and the total is the sum', () => {
  const kept = mkdtempSync(join(tmpdir(), 'labbench-status-'));
  const before = status({ LABBENCH_KEPT_CELLS: kept });
  assert.equal(before.studies['dense-baseline'].added, true);
  assert.equal(before.studies['dense-baseline'].left, 0);
  const maskmoe = before.studies.maskmoe;
  assert.ok(maskmoe.left > 0 && Math.abs(maskmoe.left - maskmoe.hours) < 1e-9, 'nothing kept: all of it is left');
  mkdirSync(join(kept, 'maskmoe'));
  writeFileSync(join(kept, 'maskmoe', 'cells.tsv'), `arm\tseed\tevalKey\nsmoe\t0\t${'a'.repeat(64)}\nmaskmoe\t1\t${'b'.repeat(64)}\n`);
  const after = status({ LABBENCH_KEPT_CELLS: kept });
  assert.deepEqual(after.studies.maskmoe.kept, [{ arm: 'smoe', seed: 0 }, { arm: 'maskmoe', seed: 1 }]);
  assert.ok(after.studies.maskmoe.left < maskmoe.left && after.studies.maskmoe.left > 0);
  const sum = Object.values(after.studies).reduce((a, s) => a + s.left, 0);
  assert.ok(Math.abs(after.hoursLeft - sum) < 1e-9);
  assert.equal(after.studies.maskmoe.measuredRatio, null, 'no kept entry to measure');
});

test('status: a kept trained cell\'s wall time against its planned hours scales the rest of its study', () => {
  const kept = mkdtempSync(join(tmpdir(), 'labbench-status-'));
  const plan = status({ LABBENCH_KEPT_CELLS: kept });
  mkdirSync(join(kept, 'maskmoe', 'evals'), { recursive: true });
  writeFileSync(join(kept, 'maskmoe', 'cells.tsv'), `arm\tseed\tevalKey\nsmoe\t0\t${'a'.repeat(64)}\n`);
  writeFileSync(join(kept, 'maskmoe', 'evals', `${'a'.repeat(64)}.json.gz`), gzipSync(JSON.stringify({ checksum: 'x', payload: { wallSeconds: 1800, artifact: { tokens: 7372800 } } })));
  const after = status({ LABBENCH_KEPT_CELLS: kept });
  const m = after.studies.maskmoe;
  // the planned hours of the kept cell are what it took off the study's plan
  const plannedHours = plan.studies.maskmoe.left - m.left;
  assert.ok(Math.abs(m.measuredRatio - 0.5 / plannedHours) < 1e-9, `${m.measuredRatio} vs ${0.5 / plannedHours}`);
  assert.ok(Math.abs(m.leftMeasured - m.left * m.measuredRatio) < 1e-9);
});
