#!/usr/bin/env node
// Compiles TypeScript workspace packages to their dist/ in one incremental `tsc -b` (one process
// shares the parsed standard library; unchanged packages are skipped by their .tsbuildinfo).
// Packages are passed in dependency order, so each compiles against its dependencies' fresh .d.ts.
// Usage: node tools/build.mjs [--prepare] [package folder ...]   (default: every package)
//   --prepare  (npm's prepare step after `npm ci`): type errors are reported but do not fail the
//              install (tsc still emits; `npm run typecheck` is where they fail CI).
// After tsc, each built package's dist/.tsbuildinfo is stamped with the time the build started:
// the labbench bin compares it with the package's sources and package.json (which tsc does not
// track), so a package.json edit alone does not leave a built package looking stale forever.
import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { referencedDirs } from './sync-packages.mjs';
import { root, typescriptPackages } from './workspace.mjs';

const args = process.argv.slice(2);
const prepare = args.includes('--prepare');
// folders are relative to the working folder (a package's `npm run build` runs in it and passes `.`)
const only = new Set(args.filter((a) => !a.startsWith('--')).map((a) => relative(root, resolve(process.cwd(), a))));
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  console.error('build: typescript is not installed (production install?); the labbench bin runs from sources.');
  process.exit(prepare ? 0 : 1);
}
const all = typescriptPackages();
const packages = all
  .filter(({ dir }) => only.size === 0 || only.has(dir))
  .filter(({ dir }) => existsSync(join(root, dir, 'tsconfig.lib.json')));
if (only.size > 0 && packages.length < only.size) {
  console.error(`build: not a TypeScript workspace package: ${[...only].filter((d) => !packages.some((p) => p.dir === d)).join(', ')}`);
  process.exit(2);
}
// tsc -b also builds (or checks) what the given packages reference; those get stamped too
const closure = new Set();
const visit = (dir) => {
  if (closure.has(dir)) return;
  closure.add(dir);
  for (const dep of referencedDirs(dir, all)) visit(dep);
};
for (const { dir } of packages) visit(dir);
const started = new Date();
const result = spawnSync(process.execPath, [tsc, '-b', ...packages.map(({ dir }) => join(dir, 'tsconfig.lib.json'))], { cwd: root, stdio: 'inherit' });
for (const dir of closure) {
  const stamp = join(root, dir, 'dist', '.tsbuildinfo');
  if (existsSync(stamp)) utimesSync(stamp, started, started);
}
if (result.status !== 0 && prepare) {
  console.error('build: tsc reported errors (above); dist/ was emitted anyway. Fix them before committing (npm run typecheck).');
  process.exit(0);
}
process.exit(result.status ?? 1);
