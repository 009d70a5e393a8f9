#!/usr/bin/env node
// Compiles every TypeScript workspace package to its dist/ in one incremental `tsc -b` (one process
// shares the parsed standard library; unchanged packages are skipped by their .tsbuildinfo).
// Packages are passed in dependency order, so each compiles against its dependencies' fresh .d.ts.
// Usage: node tools/build.mjs [--prepare]
//   --prepare  (npm's prepare step after `npm ci`): type errors are reported but do not fail the
//              install (tsc still emits; `npm run typecheck` is where they fail CI).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root, typescriptPackages } from './workspace.mjs';

const prepare = process.argv.includes('--prepare');
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  console.error('build: typescript is not installed (production install?); the labbench bin runs from sources.');
  process.exit(prepare ? 0 : 1);
}
const projects = typescriptPackages()
  .map(({ dir }) => join(dir, 'tsconfig.lib.json'))
  .filter((p) => existsSync(join(root, p)));
const result = spawnSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, stdio: 'inherit' });
if (result.status !== 0 && prepare) {
  console.error('build: tsc reported errors (above); dist/ was emitted anyway. Fix them before committing (npm run typecheck).');
  process.exit(0);
}
process.exit(result.status ?? 1);
