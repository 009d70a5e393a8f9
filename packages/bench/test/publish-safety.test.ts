import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, runCli, tempDir } from './helpers.js';
import { bareWorkspace, jsonl, record, snapshot, studyRecords, trainingLine, writeRun } from './publish-fixtures.js';

/** The CLI's publish in a bare workspace (its default folders inside `root`), with its own state folder. */
function publish(root: string, args: string[], env: Record<string, string> = {}) {
  return runCli(['publish', ...args], { cwd: root, home: join(root, '.labbench'), env });
}

/** Exit 2 with a plain sentence: no stack trace. */
function assertPlainRefusal(result: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
}

test('publish: a training.jsonl whose study is "../../tmp/PWNED" writes nothing anywhere and exits 2 with a sentence', () => {
  const root = bareWorkspace(tempDir('labbench-pub-traversal-'));
  const results = writeRun(join(root, 'run'), studyRecords('alpha'), [{ ...trainingLine('alpha', 'base', 0), study: '../../tmp/PWNED' }]);
  const out = join(root, 'deep', 'a', 'site');
  const result = publish(root, ['--results', results, '--out', out]);
  assertPlainRefusal(result, /training\.jsonl line 1: invalid training record: study: must match pattern/);
  assert.equal(existsSync(join(root, 'deep')), false, 'nothing written under --out');
  for (const dir of [root, join(root, 'deep'), '/tmp']) {
    if (existsSync(dir)) assert.deepEqual(readdirSync(dir).filter((f) => f.includes('PWNED')), [], `no PWNED file in ${dir}`);
  }
});

test('publish: malformed training.jsonl, deeply nested JSON and a directory as --results exit 2 before anything is written', () => {
  const root = bareWorkspace(tempDir('labbench-pub-bad-'));
  const out = join(root, 'site');
  const malformed = writeRun(join(root, 'malformed'), studyRecords('alpha'), '{"study": "alpha", "arm": \n');
  assertPlainRefusal(publish(root, ['--results', malformed, '--out', out]), /training\.jsonl line 1: invalid training record: not JSON/);
  const nested = studyRecords('alpha');
  const deepLine = JSON.stringify({ ...nested[0], details: { x: 0 } }).replace('{"x":0}', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000));
  const deepResults = writeRun(join(root, 'deep'), nested.slice(1));
  writeFileSync(deepResults, `${deepLine}\n${readFileSync(deepResults, 'utf8')}`);
  assertPlainRefusal(publish(root, ['--results', deepResults, '--out', out]), /nested 5\d\d\d levels deep, more than the limit of 32/);
  const deepTraining = writeRun(join(root, 'deep-training'), studyRecords('alpha'), '['.repeat(100_000) + ']'.repeat(100_000) + '\n');
  assertPlainRefusal(publish(root, ['--results', deepTraining, '--out', out]), /nested 100000 levels deep/);
  assertPlainRefusal(publish(root, ['--results', join(root, 'malformed'), '--out', out]), /is a directory, not a results file/);
  assert.equal(existsSync(out), false, 'nothing written');
});

test('publish: killed after building, or between the two renames of the swap, the previous folder stays whole', () => {
  const root = bareWorkspace(tempDir('labbench-pub-kill-'));
  const out = join(root, 'leaderboards');
  const first = writeRun(join(root, 'first'), studyRecords('alpha'), [trainingLine('alpha', 'base', 0)]);
  assert.equal(publish(root, ['--results', first, '--out', out]).code, 0);
  const before = snapshot(out);
  assert.ok(Object.keys(before).some((f) => f.startsWith('plots/')), 'the first publish has plots');
  const second = writeRun(join(root, 'second'), studyRecords('beta', { board: 'downstream', metric: 'acc' }));
  const killed = spawnSync(process.execPath, [cliPath, 'publish', '--results', second, '--out', out], {
    cwd: root, env: { ...process.env, LABBENCH_HOME: join(root, '.labbench'), LABBENCH_TEST_KILL_PUBLISH: 'built' }, encoding: 'utf8',
  });
  assert.equal(killed.signal, 'SIGKILL', `the publish was killed (status ${killed.status}, ${killed.stderr})`);
  assert.deepEqual(snapshot(out), before, 'old folder intact after a kill before the swap');
  const swap = spawnSync(process.execPath, [cliPath, 'publish', '--results', second, '--out', out], {
    cwd: root, env: { ...process.env, LABBENCH_HOME: join(root, '.labbench'), LABBENCH_TEST_KILL_PUBLISH: 'swap' }, encoding: 'utf8',
  });
  assert.equal(swap.signal, 'SIGKILL');
  // the next publish finds the old folder set aside, puts it back, then replaces it whole
  const again = publish(root, ['--results', second, '--out', out]);
  assert.equal(again.code, 0, again.stderr);
  const after = snapshot(out);
  assert.ok(after['downstream.csv'] && !after['ppl.csv'], `the new set only: ${Object.keys(after)}`);
  assert.deepEqual(readdirSync(root).filter((f) => f.startsWith('.leaderboards.')), [], 'no temporary folders left');
});

test('publish: a second study published into a finished folder leaves no stale board CSV of the first', () => {
  const root = bareWorkspace(tempDir('labbench-pub-stale-'));
  const out = join(root, 'site');
  const first = writeRun(join(root, 'a'), [...studyRecords('alpha'), ...studyRecords('alpha', { board: 'downstream', metric: 'acc' })]);
  assert.equal(publish(root, ['--results', first, '--out', out]).code, 0);
  assert.ok(existsSync(join(out, 'downstream.csv')));
  const second = writeRun(join(root, 'b'), studyRecords('beta'));
  assert.equal(publish(root, ['--results', second, '--out', out]).code, 0);
  assert.equal(existsSync(join(out, 'downstream.csv')), false, 'stale downstream.csv removed');
  assert.doesNotMatch(readFileSync(join(out, 'ppl.csv'), 'utf8'), /alpha/);
});

test('publish: republishing from the published folder alone rebuilds every plot (training.jsonl.gz), and plots it cannot rebuild are kept', () => {
  const root = bareWorkspace(tempDir('labbench-pub-plots-'));
  const out = join(root, 'leaderboards');
  const results = writeRun(join(root, 'run'), studyRecords('alpha'), [0, 1].flatMap((seed) => [trainingLine('alpha', 'base', seed), trainingLine('alpha', 'method', seed)]));
  assert.equal(publish(root, ['--results', results, '--out', out]).code, 0);
  const plots = Object.keys(snapshot(out)).filter((f) => f.startsWith('plots/')).sort();
  assert.ok(plots.includes('plots/alpha/train-loss.svg') && existsSync(join(out, 'training.jsonl.gz')), plots.join(', '));
  // from the committed files only: results.jsonl with training.jsonl.gz beside it
  const copy = join(root, 'committed');
  mkdirSync(copy);
  writeFileSync(join(copy, 'results.jsonl'), readFileSync(join(out, 'results.jsonl')));
  writeFileSync(join(copy, 'training.jsonl.gz'), readFileSync(join(out, 'training.jsonl.gz')));
  const other = join(root, 'elsewhere');
  assert.equal(publish(root, ['--results', join(copy, 'results.jsonl'), '--out', other]).code, 0);
  assert.deepEqual(Object.keys(snapshot(other)).filter((f) => f.startsWith('plots/')).sort(), plots);
  // in place, with neither training file nor archive beside the results: the old plots stay
  writeFileSync(join(root, 'bare-results.jsonl'), readFileSync(join(out, 'results.jsonl')));
  assert.equal(publish(root, ['--results', join(root, 'bare-results.jsonl'), '--out', out]).code, 0);
  assert.deepEqual(Object.keys(snapshot(out)).filter((f) => f.startsWith('plots/')).sort(), plots);
  // from a published folder without its training archive into a new folder: its plots come along, marked as kept
  rmSync(join(out, 'training.jsonl.gz'));
  const moved = join(root, 'moved');
  assert.equal(publish(root, ['--results', join(out, 'results.jsonl'), '--out', moved]).code, 0);
  assert.deepEqual(Object.keys(snapshot(moved)).filter((f) => f.startsWith('plots/')).sort(), plots);
  assert.match(readFileSync(join(moved, 'index.html'), 'utf8'), /alpha: train loss \(kept from an earlier publish\)/);
});

test('publish: records of different profiles or labbench versions are refused without --allow-mixed, naming what differs', () => {
  const root = bareWorkspace(tempDir('labbench-pub-mixed-'));
  const quick = writeRun(join(root, 'quick'), studyRecords('alpha'));
  const smoke = writeRun(join(root, 'smoke'), studyRecords('beta', { profile: 'smoke' }));
  const out = join(root, 'site');
  assertPlainRefusal(publish(root, ['--results', quick, smoke, '--out', out]), /profiles differ: quick \(4 records\), smoke \(4 records\)/);
  assert.equal(existsSync(out), false);
  const newer = writeRun(join(root, 'newer'), studyRecords('gamma').map((r) => ({ ...r, provenance: { ...r.provenance, labbenchVersion: '0.2.0' } })));
  assertPlainRefusal(publish(root, ['--results', quick, newer, '--out', out]), /labbench versions differ: 0\.1\.0 \(4 records\), 0\.2\.0 \(4 records\)/);
  const allowed = publish(root, ['--results', quick, smoke, '--out', out, '--allow-mixed']);
  assert.equal(allowed.code, 0, allowed.stderr);
});

test('publish without --out: a smoke run goes to the scratch folder, never to leaderboards/', () => {
  const root = bareWorkspace(tempDir('labbench-pub-smoke-'));
  const runs = join(root, '.labbench', 'runs');
  writeRun(join(runs, 'alpha'), studyRecords('alpha', { profile: 'smoke' }));
  const result = publish(root, []);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(existsSync(join(root, 'leaderboards')), false, 'leaderboards/ untouched');
  assert.ok(existsSync(join(root, '.labbench', 'leaderboards-smoke', 'index.html')));
  assert.match(result.stdout, /preview: no verdicts/);
  // a quick run's records do go to leaderboards/
  writeFileSync(join(runs, 'alpha', 'results.jsonl'), jsonl(studyRecords('alpha')));
  assert.equal(publish(root, []).code, 0);
  assert.ok(existsSync(join(root, 'leaderboards', 'index.html')));
  void record;
});

test('publish: a --out folder holding files a publish did not write is refused, not replaced', () => {
  const root = bareWorkspace(tempDir('labbench-pub-foreign-'));
  const out = join(root, 'notes');
  mkdirSync(out);
  writeFileSync(join(out, 'thesis.tex'), 'precious');
  const results = writeRun(join(root, 'run'), studyRecords('alpha'));
  assertPlainRefusal(publish(root, ['--results', results, '--out', out]), /holds files a publish did not write \(thesis\.tex\)/);
  assert.deepEqual(readdirSync(out), ['thesis.tex']);
  assert.equal(readFileSync(join(out, 'thesis.tex'), 'utf8'), 'precious');
});

test('publish: three publishes into one folder at once leave one whole set, and each ends with exit 0 or a sentence', async () => {
  const root = bareWorkspace(tempDir('labbench-pub-race-'));
  const out = join(root, 'leaderboards');
  const studies = ['alpha', 'beta', 'gamma'];
  const runs = studies.map((study) => writeRun(join(root, study), studyRecords(study), [trainingLine(study, 'base', 0)]));
  const results = await Promise.all(runs.map((file) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'publish', '--results', file, '--out', out], { cwd: root, env: { ...process.env, LABBENCH_HOME: join(root, '.labbench') } });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (code) => resolve({ code, stderr }));
  })));
  for (const r of results) {
    assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
  }
  const files = snapshot(out);
  const inResults = new Set(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).study));
  assert.equal(inResults.size, 1, 'one publish\'s records');
  const [study] = inResults;
  assert.match(readFileSync(join(out, 'ppl.csv'), 'utf8'), new RegExp(`\n${study},`));
  assert.deepEqual(Object.keys(files).filter((f) => f.startsWith('plots/')).map((f) => f.split('/')[1]).filter((s, i, a) => a.indexOf(s) === i), [study], 'plots of the same publish');
  assert.deepEqual(readdirSync(root).filter((f) => f.startsWith('.leaderboards.')), [], 'no temporary folders left');
});
