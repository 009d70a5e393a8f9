// tools/campaign/lanes.sh refuses to run a campaign it cannot vouch for (exit 2, a sentence saying
// what and how to fix it) before it creates anything or starts a run: no LABBENCH_HOME, a clone
// that is not at a campaign version (campaign-v<N> in a frozen-code list) or has local changes, a
// study id that is not one. It restores the cells keep-cells.sh kept before it runs a study.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'tools/campaign/lanes.sh');

/**
 * A repository whose first commit is campaign-v1 of its own frozen-code list (`env` points the
 * tools at it) and whose HEAD is its second; `freeze(name)` lists HEAD as another version.
 */
function repoPastTheTag() {
  const dir = mkdtempSync(join(tmpdir(), 'labbench-lanes-repo-'));
  const git = (...args) => assert.equal(spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]).status, 0, `git ${args.join(' ')}`);
  const head = () => spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  git('init', '-q');
  writeFileSync(join(dir, 'f'), '1');
  git('add', 'f');
  git('commit', '-qm', 'tagged');
  const frozen = join(mkdtempSync(join(tmpdir(), 'labbench-lanes-frozen-')), 'frozen-code');
  writeFileSync(frozen, `# versions\ncampaign-v1 ${head()}\n`);
  const first = head();
  writeFileSync(join(dir, 'f'), '2');
  git('commit', '-qam', 'after');
  const freeze = (name) => writeFileSync(frozen, `${readFileSync(frozen, 'utf8')}${name} ${head()}\n`);
  const kept = mkdtempSync(join(tmpdir(), 'labbench-lanes-kept-'));
  // a stand-in for the built native kernels (untracked, as node_modules is in a real clone)
  const addon = join(dir, 'node_modules/@labbench/tensor-native');
  mkdirSync(addon, { recursive: true });
  writeFileSync(join(addon, 'package.json'), JSON.stringify({ name: '@labbench/tensor-native', type: 'module', exports: './index.js' }));
  const nativeKernels = (available) => writeFileSync(join(addon, 'index.js'), `export const available = ${available};\n`);
  nativeKernels(true);
  return { dir, git, first, freeze, nativeKernels, env: { LABBENCH_FROZEN_CODE: frozen, LABBENCH_KEPT_CELLS: kept } };
}

/** The environment of a lanes run whose `npx` is the shell script `body` (a stand-in for labbench). */
function withFakeNpx(body, lanesCount) {
  const bin = mkdtempSync(join(tmpdir(), 'labbench-lanes-bin-'));
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, 'npx'), 0o755);
  const parts = join(mkdtempSync(join(tmpdir(), 'labbench-lanes-')), 'parts');
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, LABBENCH_HOME: mkdtempSync(join(tmpdir(), 'labbench-lanes-home-')), LANES: String(lanesCount) };
  return { parts, env };
}

function lanes(env, ...args) {
  const parts = join(mkdtempSync(join(tmpdir(), 'labbench-lanes-')), 'parts');
  const out = spawnSync('bash', [script, ...args.map((a) => (a === '<parts>' ? parts : a))], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(existsSync(parts), false, 'no parts folder is created');
  return out;
}

test('lanes: usage, no LABBENCH_HOME, no version list, a clone that is not at a campaign version or has no native kernels exit 2 before anything runs', () => {
  const { dir, git, first, nativeKernels, env } = repoPastTheTag();
  const home = { ...env, LABBENCH_HOME: mkdtempSync(join(tmpdir(), 'labbench-lanes-home-')) };
  const cases = [
    [home, [dir, '<parts>'], /usage/],
    [{ ...env, LABBENCH_HOME: '' }, [dir, '<parts>', 'dsmoe'], /LABBENCH_HOME is not set/],
    [home, [dir, '<parts>', 'dsmoe'], new RegExp(`is at [0-9a-f]{7}, which no campaign version names \\(campaign-v1\\): git -C .* checkout ${first.slice(0, 7)} \\(campaign-v1\\)`)],
    [{ ...home, LABBENCH_FROZEN_CODE: join(tmpdir(), 'no-such-list') }, [dir, '<parts>', 'dsmoe'], /no-such-list is missing/],
  ];
  for (const [env, args, message] of cases) {
    const out = lanes(env, ...args);
    assert.equal(out.status, 2, out.stderr);
    assert.match(out.stderr, message);
  }
  git('checkout', '-q', first);
  writeFileSync(join(dir, 'f'), 'edited');
  const edited = lanes(home, dir, '<parts>', 'dsmoe');
  assert.equal(edited.status, 2, edited.stderr);
  assert.match(edited.stderr, /has local changes/);
  git('checkout', '-q', '--', 'f');
  const badId = lanes(home, dir, '<parts>', 'dsmoe', 'Bad Name');
  assert.equal(badId.status, 2, badId.stderr);
  assert.match(badId.stderr, /'Bad Name' is not a study id/);
  const badJobs = lanes({ ...home, JOBS: '0' }, dir, '<parts>', 'dsmoe');
  assert.equal(badJobs.status, 2, badJobs.stderr);
  assert.match(badJobs.stderr, /JOBS='0' is not a positive whole number/);
  nativeKernels(false);
  const wasmOnly = lanes(home, dir, '<parts>', 'dsmoe');
  assert.equal(wasmOnly.status, 2, wasmOnly.stderr);
  assert.match(wasmOnly.stderr, /has no native kernels \(the addon is not built\): apt-get install libopenblas-dev/);
});

test('lanes: every study runs once, in its own folder, and a study marked DONE is not run again', () => {
  const { dir, git, first, env: repoEnv } = repoPastTheTag();
  git('checkout', '-q', first);
  // `npx labbench run ... --out <folder>` records its arguments in the run folder
  const { parts, env } = withFakeNpx('for a; do out=$a; done\nmkdir -p "$out" && echo "$@" >> "$out/calls"', 2);
  Object.assign(env, repoEnv);
  const studies = ['dsmoe', 'uniattn', 'maskmoe'];
  const once = spawnSync('bash', [script, dir, parts, ...studies], { encoding: 'utf8', env });
  assert.equal(once.status, 0, once.stderr);
  for (const study of studies) {
    assert.equal(readFileSync(join(parts, study, 'calls'), 'utf8'), `labbench run --profile campaign --study ${study} --jobs 1 --out ${join(parts, study)}\n`);
    assert.ok(existsSync(join(parts, study, 'DONE')));
  }
  mkdirSync(join(parts, 'finedeep'));
  const again = spawnSync('bash', [script, dir, parts, ...studies, 'finedeep'], { encoding: 'utf8', env });
  assert.equal(again.status, 0, again.stderr);
  assert.equal(readFileSync(join(parts, 'dsmoe', 'calls'), 'utf8').split('\n').length, 2, 'a DONE study is not run again');
  assert.match(again.stdout, /finedeep started/);
  assert.doesNotMatch(again.stdout, /dsmoe started/);
  const twoJobs = spawnSync('bash', [script, dir, parts, 'dial-mae'], { encoding: 'utf8', env: { ...env, JOBS: '2' } });
  assert.equal(twoJobs.status, 0, twoJobs.stderr);
  assert.equal(readFileSync(join(parts, 'dial-mae', 'calls'), 'utf8'), `labbench run --profile campaign --study dial-mae --jobs 2 --out ${join(parts, 'dial-mae')}\n`);
});

test('lanes: a run that fails is reported with its exit code and not marked DONE', () => {
  const { dir, git, first, env: repoEnv } = repoPastTheTag();
  git('checkout', '-q', first);
  const { parts, env } = withFakeNpx('exit 3', 1);
  const out = spawnSync('bash', [script, dir, parts, 'dsmoe'], { encoding: 'utf8', env: { ...env, ...repoEnv } });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /dsmoe stopped .* \(exit 3;/);
  assert.equal(existsSync(join(parts, 'dsmoe', 'DONE')), false);
});

test('lanes: a clone at a later campaign version runs, and the log names the version', () => {
  const { dir, freeze, env: repoEnv } = repoPastTheTag();
  freeze('campaign-v2');
  const { parts, env } = withFakeNpx('for a; do out=$a; done\nmkdir -p "$out"', 1);
  const out = spawnSync('bash', [script, dir, parts, 'maskmoe'], { encoding: 'utf8', env: { ...env, ...repoEnv } });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /maskmoe started .* from campaign-v2/);
  assert.ok(existsSync(join(parts, 'maskmoe', 'DONE')));
});

test('keep-cells then lanes: the finished cells of an unfinished part, and the checkpoints of the arms others train from, come back into a fresh cache byte for byte, and only those', () => {
  const { dir, freeze, env: repoEnv } = repoPastTheTag();
  freeze('campaign-v2');
  const keep = join(root, 'tools/campaign/keep-cells.sh');
  const key = (c) => c.repeat(64);
  // a stopped run of a study whose arms train from `pretrain`: the pretrained model of seed 0 and one
  // dependent finished (the dependent loaded from the cache), seed 1's pretrained model failed
  const run = mkdtempSync(join(tmpdir(), 'labbench-keep-run-'));
  const oldHome = mkdtempSync(join(tmpdir(), 'labbench-keep-home-'));
  const files = {
    [`evals/${key('a')}.json`]: '{"checksum":"x","payload":{"metrics":[1]}}', [`evals/${key('b')}.json`]: '{"checksum":"y","payload":{"metrics":[2]}}',
    [`evals/${key('c')}.json`]: '{"stale":true}', [`trained/${key('d')}.json`]: '{"checksum":"z","payload":{}}', [`checkpoints/${key('d')}.ckpt`]: 'weights of seed 0',
    [`trained/${key('e')}.json`]: '{}', [`checkpoints/${key('e')}.ckpt`]: 'weights of the dependent',
  };
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(oldHome, 'cache', path, '..'), { recursive: true });
    writeFileSync(join(oldHome, 'cache', path), body);
  }
  const cells = [
    { study: 'uniattn', arm: 'pretrain', seed: 0, status: 'ok', evalKey: key('a') },
    { study: 'uniattn', arm: 'uniattn', seed: 0, status: 'cached', evalKey: key('b') },
    { study: 'uniattn', arm: 'pretrain', seed: 1, status: 'failed', evalKey: key('c') },
  ];
  writeFileSync(join(run, 'cells.json'), JSON.stringify(cells));
  const record = (arm, seed, train) => JSON.stringify({ study: 'uniattn', arm, seed, provenance: { configHash: train } });
  writeFileSync(join(run, 'results.jsonl'), `${[record('pretrain', 0, key('d')), record('pretrain', 0, key('d')), record('uniattn', 0, key('e'))].join('\n')}\n`);
  const keepEnv = { ...process.env, ...repoEnv, LABBENCH_HOME: oldHome };
  const kept = spawnSync('bash', [keep, 'uniattn', run, '--checkpoints-of', 'pretrain'], { encoding: 'utf8', env: keepEnv });
  assert.equal(kept.status, 0, kept.stderr);
  assert.match(kept.stdout, /4 file\(s\) kept/);
  const keptDir = join(repoEnv.LABBENCH_KEPT_CELLS, 'uniattn');
  const listed = (d) => ['evals', 'trained', 'checkpoints'].flatMap((kind) => readdirSync(join(d, kind)).map((f) => `${kind}/${f}`)).sort();
  const wanted = [`checkpoints/${key('d')}.ckpt`, `evals/${key('a')}.json`, `evals/${key('b')}.json`, `trained/${key('d')}.json`];
  assert.deepEqual(listed(keptDir), wanted.map((f) => `${f}.gz`));
  assert.equal(readFileSync(join(keptDir, 'cells.tsv'), 'utf8'), `arm\tseed\tevalKey\npretrain\t0\t${key('a')}\nuniattn\t0\t${key('b')}\n`);
  assert.match(spawnSync('bash', [keep, 'uniattn', run], { encoding: 'utf8', env: keepEnv }).stdout, /0 file\(s\) kept .* \(2 kept before\)/);
  // a planned arm with no finished cell yet (its first cell still training) is no error: the
  // finished cells are kept now (keep-loop once kept nothing of dial-mae while its post-trained arm trained)
  const pending = spawnSync('bash', [keep, 'uniattn', run, '--checkpoints-of', 'pretrain', '--checkpoints-of', 'cla'], { encoding: 'utf8', env: keepEnv });
  assert.equal(pending.status, 0, pending.stderr);
  assert.match(pending.stdout, /0 file\(s\) kept .* \(4 kept before\)/);
  // refused, nothing written: another study's cells, no LABBENCH_HOME, a home without the entries, an arm the study does not have
  for (const [args, env, message] of [[['dsmoe', run], keepEnv, /holds a cell of study 'uniattn'/], [['uniattn', run], { ...keepEnv, LABBENCH_HOME: '' }, /LABBENCH_HOME is not set/],
    [['uniattn', run], { ...keepEnv, LABBENCH_HOME: tmpdir() }, /is missing: LABBENCH_HOME is not the folder/],
    [['uniattn', run, '--checkpoints-of', 'pretrian'], keepEnv, /--checkpoints-of pretrian: study 'uniattn' has no such arm/], [['uniattn', run, '--checkpoints-of'], keepEnv, /usage/]]) {
    const out = spawnSync('bash', [keep, ...args], { encoding: 'utf8', env });
    assert.equal(out.status, 2, out.stderr);
    assert.match(out.stderr, message);
  }
  assert.equal(existsSync(join(repoEnv.LABBENCH_KEPT_CELLS, 'dsmoe')), false);
  // the next session: a fresh cache; the stand-in run lists what it finds there
  const { parts, env } = withFakeNpx('for a; do out=$a; done\nmkdir -p "$out" && (cd "$LABBENCH_HOME/cache" && ls evals trained checkpoints) > "$out/found"', 1);
  const out = spawnSync('bash', [script, dir, parts, 'uniattn'], { encoding: 'utf8', env: { ...env, ...repoEnv } });
  assert.equal(out.status, 0, out.stderr);
  assert.match(readFileSync(join(parts, 'uniattn', 'found'), 'utf8'), new RegExp(`^checkpoints:\n${key('d')}.ckpt\n\nevals:\n${key('a')}.json\n${key('b')}.json\n\ntrained:\n${key('d')}.json\n$`));
  for (const f of wanted) assert.equal(readFileSync(join(env.LABBENCH_HOME, 'cache', f), 'utf8'), files[f]);
});

test('clone: an unknown version, an existing folder and a commit the repository lacks exit 2 before anything is cloned', () => {
  const clone = join(root, 'tools/campaign/clone.sh');
  const { env } = repoPastTheTag();
  writeFileSync(env.LABBENCH_FROZEN_CODE, `${readFileSync(env.LABBENCH_FROZEN_CODE, 'utf8')}campaign-v9 ${'0'.repeat(40)}\n`);
  const target = join(mkdtempSync(join(tmpdir(), 'labbench-clone-')), 'new');
  for (const [args, message] of [[['campaign-v1'], /usage/], [['campaign-v7', target], /'campaign-v7' is not a campaign version \(campaign-v1 campaign-v9;/],
    [['campaign-v1', tmpdir()], /exists: give a new folder/], [['campaign-v9', target], /campaign-v9's commit 0000000 is not in/]]) {
    const out = spawnSync('bash', [clone, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(out.status, 2, out.stderr);
    assert.match(out.stderr, message);
  }
  assert.equal(existsSync(target), false);
});

test('keep-loop: keeps a running part\'s finished cells, with the checkpoints of the arms named after a colon, round after round', async () => {
  const { env: repoEnv } = repoPastTheTag();
  const parts = mkdtempSync(join(tmpdir(), 'labbench-loop-'));
  const home = mkdtempSync(join(tmpdir(), 'labbench-loop-home-'));
  const key = (c) => c.repeat(64);
  for (const [path, body] of [[`evals/${key('a')}.json`, 'e'], [`trained/${key('d')}.json`, 't'], [`checkpoints/${key('d')}.ckpt`, 'w']]) {
    mkdirSync(join(home, 'cache', path, '..'), { recursive: true });
    writeFileSync(join(home, 'cache', path), body);
  }
  mkdirSync(join(parts, 'uniattn'));
  writeFileSync(join(parts, 'uniattn', 'cells.json'), JSON.stringify([{ study: 'uniattn', arm: 'pretrain', seed: 0, status: 'ok', evalKey: key('a') }]));
  writeFileSync(join(parts, 'uniattn', 'results.jsonl'), `${JSON.stringify({ study: 'uniattn', arm: 'pretrain', seed: 0, provenance: { configHash: key('d') } })}\n`);
  const loop = join(root, 'tools/campaign/keep-loop.sh');
  const env = { ...process.env, ...repoEnv, LABBENCH_HOME: home, KEEP_EVERY: '1' };
  const bad = spawnSync('bash', [loop, parts, 'uniattn:Pre Train'], { encoding: 'utf8', env });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /'Pre Train' is not a study id/);
  const { spawn } = await import('node:child_process');
  const child = spawn('bash', [loop, parts, 'uniattn:pretrain', 'maskmoe'], { env, stdio: 'ignore' });
  const kept = join(repoEnv.LABBENCH_KEPT_CELLS, 'uniattn');
  const wanted = [`checkpoints/${key('d')}.ckpt.gz`, `evals/${key('a')}.json.gz`, `trained/${key('d')}.json.gz`];
  const found = () => ['evals', 'trained', 'checkpoints'].flatMap((kind) => (existsSync(join(kept, kind)) ? readdirSync(join(kept, kind)).map((f) => `${kind}/${f}`) : [])).sort();
  try {
    // until the three are kept and none is still being written (the loop gzips to .tmp, then renames)
    const settled = () => found().length >= 3 && !found().some((f) => f.endsWith('.tmp'));
    for (let i = 0; i < 100 && !settled(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(found(), wanted);
  } finally {
    child.kill();
  }
});
