/**
 * The plugin generator leaves a working tree (issue #21): the README's command writes a plugin,
 * records it in package-lock.json (the next `npm ci` was failing), and the plugin's example study
 * runs to the end.
 *
 * The first test runs in `npm test`, on a copy of this workspace whose node_modules links to this
 * one's packages. The second is the whole story on fresh clones (clone, npm ci, generate, commit,
 * clone again, npm ci, run): two installs take minutes, so it is opt-in: LABBENCH_E2E=1 npm test --
 * packages/bench/test/generator.test.ts
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir, workspaceRoot } from './helpers.js';

const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true' };
const WORKSPACE_GROUPS = ['packages', 'plugins', 'datasets', 'tools'];

/**
 * A copy of the workspace sources whose node_modules is a folder of links: external packages link
 * to this workspace's installs, and @labbench/* to the copy's own packages (as npm links them), so
 * whatever the generator writes into node_modules stays in the copy.
 */
function workspaceCopy(): string {
  const copy = tempDir('labbench-ws-');
  for (const name of readdirSync(workspaceRoot)) {
    if (['node_modules', '.git', '.nx', '.labbench', 'leaderboards'].includes(name)) continue;
    cpSync(join(workspaceRoot, name), join(copy, name), { recursive: true, filter: (src) => !src.includes('/node_modules') });
  }
  const modules = join(workspaceRoot, 'node_modules');
  mkdirSync(join(copy, 'node_modules'));
  for (const name of readdirSync(modules)) {
    if (name === '@labbench') continue;
    if (name === '.package-lock.json') cpSync(join(modules, name), join(copy, 'node_modules', name));
    else symlinkSync(join(modules, name), join(copy, 'node_modules', name));
  }
  mkdirSync(join(copy, 'node_modules/@labbench'));
  for (const name of readdirSync(join(modules, '@labbench'))) {
    const target = relative(workspaceRoot, join(modules, '@labbench', readlinkSync(join(modules, '@labbench', name))));
    symlinkSync(relative(join(copy, 'node_modules/@labbench'), join(copy, target)), join(copy, 'node_modules/@labbench', name));
  }
  // packages whose dependencies npm nested (another version than the root's) keep them
  for (const group of WORKSPACE_GROUPS) {
    for (const name of existsSync(join(workspaceRoot, group)) ? readdirSync(join(workspaceRoot, group)) : []) {
      const nested = join(workspaceRoot, group, name, 'node_modules');
      if (existsSync(nested) && existsSync(join(copy, group, name))) symlinkSync(nested, join(copy, group, name, 'node_modules'));
    }
  }
  return copy;
}

function generate(cwd: string, name: string): void {
  const result = spawnSync(join(cwd, 'node_modules/.bin/nx'), ['g', '@labbench/workspace-plugin:plugin', name, '--no-interactive'], {
    cwd,
    env: { ...process.env, ...NX_ENV },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `nx g failed:\n${result.stdout}\n${result.stderr}`);
}

/** What `npm ci` requires of the lockfile for a new workspace package: its entry and its link. */
function assertLockfileHas(root: string, name: string): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(root, 'plugins', name, 'package.json'), 'utf8'));
  const entry = lock.packages[`plugins/${name}`];
  assert.ok(entry, `package-lock.json records plugins/${name}`);
  assert.equal(entry.name, pkg.name);
  assert.deepEqual(entry.dependencies ?? {}, pkg.dependencies ?? {});
  assert.deepEqual(lock.packages[`node_modules/${pkg.name}`], { resolved: `plugins/${name}`, link: true });
}

/**
 * The smoke run of the plugin's study: exit 0, and both arms and the bigram reference have records.
 * `cli` runs another tree's own labbench (as `npx labbench` there would), else this one's.
 */
function assertSmokeRun(cwd: string, name: string, home: string, cli?: string): void {
  const out = join(home, 'runs');
  const args = ['run', '--plugin', name, '--profile', 'smoke', '--jobs', '1', '--out', out];
  const run = cli
    ? spawnSync(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: '', LABBENCH_HOME: home, CI: '1' }, encoding: 'utf8' })
    : runCli(args, { cwd, home });
  const code = 'code' in run ? run.code : run.status;
  assert.equal(code, 0, `labbench run --plugin ${name} --profile smoke:\n${run.stdout}\n${run.stderr}`);
  const records = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { study: string; arm: string; metric: string });
  const arms = new Set(records.filter((r) => r.study === name && r.metric === 'id.all.bits_per_byte').map((r) => r.arm));
  for (const arm of ['baseline', 'method', 'ref-bigram']) assert.ok(arms.has(arm), `bits per byte of arm ${arm} (arms: ${[...arms].join(', ')})`);
}

test('nx g @labbench/workspace-plugin:plugin in a copy of the workspace: lockfile entry, labbench list, and the smoke study runs to the end', (t) => {
  const copy = workspaceCopy();
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  generate(copy, 'my-method');
  for (const file of ['src/index.ts', 'src/model.ts', 'src/study.ts', 'test/contract.test.ts', 'README.md']) {
    assert.ok(existsSync(join(copy, 'plugins/my-method', file)), `plugins/my-method/${file}`);
  }
  assertLockfileHas(copy, 'my-method');
  const { code, stdout, stderr } = runCli(['list', '--json'], { cwd: copy });
  assert.equal(code, 0, stderr);
  const { plugins, studies } = JSON.parse(stdout) as { plugins: { id: string }[]; studies: string[] };
  assert.ok(plugins.some((p) => p.id === 'my-method'));
  assert.ok(studies.includes('my-method'));
  assertSmokeRun(copy, 'my-method', tempDir('labbench-home-'));
});

test('end to end on fresh clones: generate, commit, clone, npm ci, smoke run (LABBENCH_E2E=1)', {
  skip: process.env.LABBENCH_E2E !== '1' && 'opt-in: LABBENCH_E2E=1',
}, (t) => {
  const sh = (cwd: string, command: string, args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(command, args, { cwd, env: { ...process.env, ...NX_ENV, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(result.status, 0, `${command} ${args.join(' ')} in ${cwd}:\n${result.stdout?.slice(-4000)}\n${result.stderr?.slice(-4000)}`);
    return result.stdout;
  };
  const base = tempDir('labbench-e2e-');
  t.after(() => rmSync(base, { recursive: true, force: true })); // two installs: 1.7 GB
  const first = join(base, 'first');
  const second = join(base, 'second');
  // the committed tree of this workspace (what a contributor clones)
  sh(base, 'git', ['clone', '--quiet', workspaceRoot, first]);
  sh(first, 'npm', ['ci', '--no-audit', '--no-fund']);
  generate(first, 'my-method');
  assertLockfileHas(first, 'my-method');
  sh(first, 'git', ['add', 'plugins/my-method', 'package-lock.json', 'tsconfig.base.json']);
  sh(first, 'git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', 'commit', '--quiet', '-m', 'my-method: generated plugin']);
  assert.equal(
    sh(first, 'git', ['status', '--porcelain']).trim(),
    '',
    'the generator leaves nothing uncommitted beside the plugin, lockfile and tsconfig paths',
  );
  sh(base, 'git', ['clone', '--quiet', first, second]);
  sh(second, 'npm', ['ci', '--no-audit', '--no-fund']); // failed with "package.json and package-lock.json are not in sync" before
  // the clone's own CLI from its compiled dist/ (npm ci built it), as `npx labbench` runs there
  assertSmokeRun(second, 'my-method', tempDir('labbench-home-'), join(second, 'packages/bench/bin/labbench.mjs'));
  // the generated contract tests pass in the clone
  sh(second, process.execPath, ['tools/run-tests.mjs', 'plugins/my-method/'], { NODE_OPTIONS: '' });
});
