// tools/campaign/add-part.sh refuses a part it cannot vouch for (exit 2, a sentence saying what and
// where) before it copies anything into campaign/runs or republishes the leaderboards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'tools/campaign/add-part.sh');
const runs = join(root, 'campaign/runs');

function addPart(...args) {
  const before = readdirSync(runs).sort();
  const out = spawnSync('bash', [script, ...args], { encoding: 'utf8' });
  assert.deepEqual(readdirSync(runs).sort(), before, 'nothing is added to campaign/runs');
  return out;
}

test('add-part: usage, a bad study id and a folder that is not a finished run exit 2', () => {
  const empty = mkdtempSync(join(tmpdir(), 'labbench-part-'));
  for (const [args, message] of [[[], /usage/], [['Bad Name', empty], /not a study id/], [['dsmoe', empty], /results\.jsonl is missing/]]) {
    const out = addPart(...args);
    assert.equal(out.status, 2, out.stderr);
    assert.match(out.stderr, message);
  }
});

test('add-part: records of another study, computed at a commit no campaign version names, or at two commits exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labbench-part-'));
  for (const f of ['results.jsonl', 'cells.json']) copyFileSync(join(runs, 'dsmoe', f), join(dir, f));
  writeFileSync(join(dir, 'training.jsonl'), '{}\n');
  const other = addPart('uniattn', dir);
  assert.equal(other.status, 2);
  assert.match(other.stderr, /line 1 is of study 'dsmoe', not 'uniattn'/);
  // cells loaded from the cache by a resumed run are finished cells: refused only for the study, not as unfinished
  const cells = JSON.parse(readFileSync(join(dir, 'cells.json'), 'utf8'));
  writeFileSync(join(dir, 'cells.json'), JSON.stringify(cells.map((c) => ({ ...c, status: 'cached' }))));
  const resumed = addPart('uniattn', dir);
  assert.equal(resumed.status, 2);
  assert.match(resumed.stderr, /line 1 is of study 'dsmoe', not 'uniattn'/);
  writeFileSync(join(dir, 'cells.json'), JSON.stringify(cells.map((c, i) => (i === 0 ? { ...c, status: 'failed' } : c))));
  assert.match(addPart('dsmoe', dir).stderr, /1 cell\(s\) did not finish/);
  writeFileSync(join(dir, 'cells.json'), JSON.stringify(cells));
  // the same records with another commit
  const moved = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => JSON.stringify({ ...r, provenance: { ...r.provenance, gitCommit: '0'.repeat(40) } }));
  writeFileSync(join(dir, 'results.jsonl'), `${moved.join('\n')}\n`);
  const elsewhere = addPart('dsmoe', dir);
  assert.equal(elsewhere.status, 2);
  assert.match(elsewhere.stderr, /line 1 was computed at 0{40}, which no campaign version names \(campaign-v1/);
  // one part, one tag: a record computed at another commit than line 1's
  writeFileSync(join(dir, 'results.jsonl'), [readFileSync(join(runs, 'dsmoe', 'results.jsonl'), 'utf8').split('\n')[0], ...moved.slice(1)].join('\n') + '\n');
  const mixed = addPart('dsmoe', dir);
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr, /line 2 was computed at 0{40}, not at campaign-v1 \([0-9a-f]{7}\) as line 1/);
  // a trained cell on the pure wasm kernels (a machine without libopenblas-dev); count models have no kernels to check
  const records = readFileSync(join(runs, 'dsmoe', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const trained = records.findLastIndex((r) => r.provenance.backend !== 'none');
  const wasmOnly = records.map((r, i) => JSON.stringify(i === trained ? { ...r, provenance: { ...r.provenance, nativeKernels: false } } : r));
  // a gate line (a run's account of its gates, no provenance) is passed over, wherever it stands: here before that record
  const gate = { schema: 'labbench.gate/v1', study: 'dsmoe', studyVersion: 1, claim: 'c', claimVerdict: 'inconclusive', seeds: 3, profile: 'campaign', gate: 'g', text: '', measured: 1, threshold: 0, comparison: '>=', passed: true };
  wasmOnly.splice(1, 0, JSON.stringify(gate));
  writeFileSync(join(dir, 'results.jsonl'), `${wasmOnly.join('\n')}\n`);
  const wasm = addPart('dsmoe', dir);
  assert.equal(wasm.status, 2);
  assert.match(wasm.stderr, new RegExp(`line ${trained + 2} was trained without the native \\(OpenBLAS\\) kernels`));
  assert.ok(existsSync(join(runs, 'dsmoe', 'results.jsonl')));
});
