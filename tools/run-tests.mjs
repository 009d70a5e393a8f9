#!/usr/bin/env node
// Runs every test file of the workspace with node's own test runner (its summary is what CI reads).
// Usage: npm test [-- <path filter>...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'plugins', 'datasets', 'tools'];
const skip = new Set(['node_modules', 'dist', '.nx', 'files', 'build']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.test\.(ts|mjs)$/.test(name) && path.includes(`${'/'}test${'/'}`)) out.push(relative(root, path));
  }
  return out;
}

/**
 * The browser test needs Debian's Chromium. `npm test` sets it up when it can (root with apt-get,
 * as on CI and these machines); otherwise it says how, and the browser test fails with that hint.
 */
function ensureChromium() {
  if (process.env.LABBENCH_CHROMIUM || existsSync('/usr/bin/chromium')) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    console.error('run-tests: Chromium is missing; install it (sudo apt-get install -y chromium) for the browser test.');
    return;
  }
  console.error('run-tests: installing Debian chromium for the browser test (apt-get) ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
}

const filters = process.argv.slice(2);
const files = roots.flatMap((r) => walk(join(root, r), [])).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error(`run-tests: no test files matched ${filters.join(' ') || '(all)'}`);
  process.exit(2);
}
if (files.some((f) => f.includes('packages/bench/'))) ensureChromium();
// Tests run the TypeScript sources (no build needed): workspace packages resolve through their
// "@labbench/source" export condition, here and, through NODE_OPTIONS, in the CLI processes the
// tests start.
const condition = '--conditions=@labbench/source';
// Every temporary folder of the run (the tests' homes and stores, the CLI processes they start,
// Chromium's profile) goes under one folder that is removed when the run ends, passed or failed:
// a run writes about a gigabyte, and on a shared disk left-over runs fill it (ENOSPC in CI).
// LABBENCH_KEEP_TEST_TMP=1 keeps it to look into.
const scratch = mkdtempSync(join(tmpdir(), 'labbench-test-'));
const env = { ...process.env, TMPDIR: scratch, TMP: scratch, TEMP: scratch, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${condition}`.trim() };
// The runner gets a process group of its own, so that a signal (Ctrl-C, a CI time limit) reaches
// every process of the run, the CLI processes the tests start included (left alone, they go on
// writing into the folder after it is removed); then the folder goes and the run exits.
const child = spawn(process.execPath, [condition, '--import', 'tsx', '--test', '--test-concurrency=2', ...files], { cwd: root, stdio: 'inherit', env, detached: true });
const signalGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => signalGroup(signal));
child.on('exit', (code, signal) => {
  signalGroup('SIGKILL'); // whatever outlived the runner
  if (process.env.LABBENCH_KEEP_TEST_TMP === '1') console.error(`run-tests: temporary files kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  process.exit(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1));
});
