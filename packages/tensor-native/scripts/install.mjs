#!/usr/bin/env node
// Install step of @labbench/tensor-native: builds the addon with node-gyp when OpenBLAS (pkg-config
// openblas) and a compiler are present; otherwise explains what to install. Always exits 0, so
// `npm ci` succeeds on machines without them and labbench falls back to wasm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const explain = (reason) => {
  spawnSync(process.execPath, [join(root, 'scripts', 'explain.mjs'), reason], { stdio: 'inherit' });
  process.exit(0);
};

if (process.env.LABBENCH_NATIVE === '0') explain('LABBENCH_NATIVE=0');
const pkg = spawnSync('pkg-config', ['--exists', 'openblas']);
if (pkg.error || pkg.status !== 0) explain(pkg.error ? 'pkg-config is not installed' : 'pkg-config finds no openblas');

function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency; npm bundles one
  }
  const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  candidates.push(npmDir);
  return candidates.find((c) => c && existsSync(c));
}

const gyp = nodeGyp();
if (!gyp) explain('node-gyp was not found');
const args = [gyp, 'rebuild'];
// Build against the headers of the running node when they are installed (no download needed offline).
const prefix = join(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const build = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write((build.stderr ?? '').split('\n').slice(-15).join('\n') + '\n');
  explain('node-gyp rebuild failed; see the lines above');
}
process.stderr.write('@labbench/tensor-native: built the OpenBLAS kernels (used over the wasm backend).\n');
