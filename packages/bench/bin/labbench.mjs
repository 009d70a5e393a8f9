#!/usr/bin/env node
// The labbench CLI. It runs the compiled JavaScript in dist/ (fast start) when every workspace
// package's dist/ is newer than its sources; otherwise (a fresh edit, a missing build, or
// --conditions=@labbench/source as the tests use) it runs the TypeScript sources through tsx, so
// a stale build never runs old code. `npm run build` (also run by `npm ci`) refreshes dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_CONDITION, staleWorkspacePackage, startConditions, workspaceRootOf } from './freshness.mjs';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// A published install has no src/ and always runs dist/.
const hasSources = existsSync(join(pkgDir, 'src', 'cli.ts'));
const requested = startConditions().includes(SOURCE_CONDITION) || process.env.LABBENCH_FROM_SOURCE === '1';
const root = hasSources && !requested ? workspaceRootOf(pkgDir) : undefined;
const stale = root ? staleWorkspacePackage(root) : undefined;

if (hasSources && (requested || stale)) {
  if (stale && !requested) {
    process.stderr.write(`labbench: running from TypeScript sources (${stale}/dist is missing or older than its src); \`npm run build\` restores the fast start.\n`);
  }
  // Resolve workspace packages to their .ts sources in this process (and, through NODE_OPTIONS,
  // in child processes and the plugin registry), then let tsx compile them.
  if (!startConditions().includes(SOURCE_CONDITION)) {
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=${SOURCE_CONDITION}`.trim();
    const hook = `export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, '${SOURCE_CONDITION}'] }); }`;
    (await import('node:module')).register(`data:text/javascript,${encodeURIComponent(hook)}`);
  }
  (await import('tsx/esm/api')).register();
  await import('../src/cli.ts');
} else {
  await import('../dist/cli.js');
}
