#!/usr/bin/env node
// The labbench CLI. It runs the compiled JavaScript in dist/ (fast start) when every workspace
// package's dist/ is newer than its sources; otherwise (a fresh edit, a missing build, or
// --conditions=@labbench/source as the tests use) it runs the TypeScript sources through tsx, so
// a stale build never runs old code. `npm run build` (also run by `npm ci`) refreshes dist/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = '@labbench/source';
const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Export conditions given at start (argv or NODE_OPTIONS). */
function conditions() {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return args.flatMap((arg, i) => {
    const m = /^(?:--conditions|-C)(?:=(.+))?$/.exec(arg);
    return m ? [m[1] ?? args[i + 1]] : [];
  });
}

/** Newest modification time under a folder (folders count: a deleted file changes its folder). */
function newest(dir) {
  let time = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

/** The first workspace package whose dist/ is missing or older than its sources, if any. */
function staleWorkspacePackage() {
  let root = pkgDir;
  while (!(existsSync(join(root, 'package.json')) && JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces)) {
    if (dirname(root) === root) return undefined;
    root = dirname(root);
  }
  for (const glob of JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces) {
    const parent = join(root, glob.replace(/\/\*$/, ''));
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent)) {
      const dir = join(parent, name);
      if (!existsSync(join(dir, 'src')) || !readdirSync(join(dir, 'src'), { recursive: true }).some((f) => String(f).endsWith('.ts'))) continue;
      const built = join(dir, 'dist', '.tsbuildinfo');
      if (!existsSync(built)) return dir.slice(root.length + 1);
      const inputs = Math.max(newest(join(dir, 'src')), statSync(join(dir, 'package.json')).mtimeMs);
      if (inputs > statSync(built).mtimeMs) return dir.slice(root.length + 1);
    }
  }
  return undefined;
}

// A published install has no src/ and always runs dist/.
const hasSources = existsSync(join(pkgDir, 'src', 'cli.ts'));
const requested = conditions().includes(SOURCE) || process.env.LABBENCH_FROM_SOURCE === '1';
const stale = hasSources && !requested ? staleWorkspacePackage() : undefined;

if (hasSources && (requested || stale)) {
  if (stale && !requested) {
    process.stderr.write(`labbench: running from TypeScript sources (${stale}/dist is missing or older than its src); \`npm run build\` restores the fast start.\n`);
  }
  const { register } = await import('node:module');
  // Resolve workspace packages to their .ts sources in this process (and, through NODE_OPTIONS,
  // in any child process and in the plugin registry), then let tsx compile them.
  if (!conditions().includes(SOURCE)) {
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=${SOURCE}`.trim();
    const hook = `export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, '${SOURCE}'] }); }`;
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
  }
  (await import('tsx/esm/api')).register();
  await import('../src/cli.ts');
} else {
  await import('../dist/cli.js');
}
