import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, workspaceRoot } from './helpers.js';

test('nx g @labbench/workspace-plugin:plugin in a copy of the workspace: labbench list shows the new plugin', () => {
  const copy = tempDir('labbench-ws-');
  for (const name of readdirSync(workspaceRoot)) {
    if (['node_modules', '.git', '.nx', '.labbench', 'leaderboards'].includes(name)) continue;
    cpSync(join(workspaceRoot, name), join(copy, name), { recursive: true, filter: (src) => !src.includes('/node_modules') });
  }
  symlinkSync(join(workspaceRoot, 'node_modules'), join(copy, 'node_modules'));
  // packages whose dependencies npm nested (another version than the root's) keep them
  for (const group of ['packages', 'plugins', 'datasets', 'tools']) {
    for (const name of existsSync(join(workspaceRoot, group)) ? readdirSync(join(workspaceRoot, group)) : []) {
      const nested = join(workspaceRoot, group, name, 'node_modules');
      if (existsSync(nested) && existsSync(join(copy, group, name))) symlinkSync(nested, join(copy, group, name, 'node_modules'));
    }
  }
  execFileSync(join(workspaceRoot, 'node_modules/.bin/nx'), ['g', '@labbench/workspace-plugin:plugin', 'my-method', '--no-interactive'], {
    cwd: copy, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true' }, stdio: 'pipe',
  });
  assert.ok(existsSync(join(copy, 'plugins/my-method/src/index.ts')));
  assert.ok(existsSync(join(copy, 'plugins/my-method/test/contract.test.ts')));
  const { code, stdout, stderr } = runCli(['list', '--json'], { cwd: copy });
  assert.equal(code, 0, stderr);
  const { plugins, studies } = JSON.parse(stdout) as { plugins: { id: string }[]; studies: string[] };
  assert.ok(plugins.some((p) => p.id === 'my-method'));
  assert.ok(studies.includes('my-method'));
});
