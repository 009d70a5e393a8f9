// tools/campaign/lanes.sh refuses to run a campaign it cannot vouch for (exit 2, a sentence saying
// what and how to fix it) before it creates anything or starts a run: no LABBENCH_HOME, a clone
// that is not at a campaign tag (campaign-v<N>) or has local changes, a study id that is not one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'tools/campaign/lanes.sh');

/** A repository with the tag campaign-v1 on its first commit and HEAD on its second. */
function repoPastTheTag() {
  const dir = mkdtempSync(join(tmpdir(), 'labbench-lanes-repo-'));
  const git = (...args) => assert.equal(spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]).status, 0, `git ${args.join(' ')}`);
  git('init', '-q');
  writeFileSync(join(dir, 'f'), '1');
  git('add', 'f');
  git('commit', '-qm', 'tagged');
  git('tag', 'campaign-v1');
  writeFileSync(join(dir, 'f'), '2');
  git('commit', '-qam', 'after');
  return { dir, git };
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

test('lanes: usage, no LABBENCH_HOME and a clone that is not at a campaign tag exit 2 before anything runs', () => {
  const { dir, git } = repoPastTheTag();
  const home = { LABBENCH_HOME: mkdtempSync(join(tmpdir(), 'labbench-lanes-home-')) };
  const cases = [
    [home, [dir, '<parts>'], /usage/],
    [{ LABBENCH_HOME: '' }, [dir, '<parts>', 'dsmoe'], /LABBENCH_HOME is not set/],
    [home, [dir, '<parts>', 'dsmoe'], /is at [0-9a-f]{7}, which no campaign tag names \(campaign-v1\): git -C .* checkout campaign-v1/],
    [home, [tmpdir(), '<parts>', 'dsmoe'], /has no campaign-v<N> tag/],
  ];
  for (const [env, args, message] of cases) {
    const out = lanes(env, ...args);
    assert.equal(out.status, 2, out.stderr);
    assert.match(out.stderr, message);
  }
  git('checkout', '-q', 'campaign-v1');
  writeFileSync(join(dir, 'f'), 'edited');
  const edited = lanes(home, dir, '<parts>', 'dsmoe');
  assert.equal(edited.status, 2, edited.stderr);
  assert.match(edited.stderr, /has local changes/);
  git('checkout', '-q', '--', 'f');
  const badId = lanes(home, dir, '<parts>', 'dsmoe', 'Bad Name');
  assert.equal(badId.status, 2, badId.stderr);
  assert.match(badId.stderr, /'Bad Name' is not a study id/);
});

test('lanes: every study runs once, in its own folder, and a study marked DONE is not run again', () => {
  const { dir, git } = repoPastTheTag();
  git('checkout', '-q', 'campaign-v1');
  // `npx labbench run ... --out <folder>` records its arguments in the run folder
  const { parts, env } = withFakeNpx('for a; do out=$a; done\nmkdir -p "$out" && echo "$@" >> "$out/calls"', 2);
  const studies = ['dsmoe', 'uniattn', 'maskmoe'];
  const first = spawnSync('bash', [script, dir, parts, ...studies], { encoding: 'utf8', env });
  assert.equal(first.status, 0, first.stderr);
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
});

test('lanes: a run that fails is reported with its exit code and not marked DONE', () => {
  const { dir, git } = repoPastTheTag();
  git('checkout', '-q', 'campaign-v1');
  const { parts, env } = withFakeNpx('exit 3', 1);
  const out = spawnSync('bash', [script, dir, parts, 'dsmoe'], { encoding: 'utf8', env });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /dsmoe stopped .* \(exit 3;/);
  assert.equal(existsSync(join(parts, 'dsmoe', 'DONE')), false);
});

test('lanes: a clone at a later campaign tag runs, and the log names the tag', () => {
  const { dir, git } = repoPastTheTag();
  git('tag', 'campaign-v2');
  const { parts, env } = withFakeNpx('for a; do out=$a; done\nmkdir -p "$out"', 1);
  const out = spawnSync('bash', [script, dir, parts, 'maskmoe'], { encoding: 'utf8', env });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /maskmoe started .* from campaign-v2/);
  assert.ok(existsSync(join(parts, 'maskmoe', 'DONE')));
});
