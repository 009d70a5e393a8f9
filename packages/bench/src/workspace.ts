import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The workspace root: the nearest folder above `from` whose package.json declares workspaces. */
export function findWorkspaceRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).workspaces) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/** Where runs, caches and datasets live by default (git-ignored). */
export function stateDir(root: string): string {
  return process.env.LABBENCH_HOME ? resolve(process.env.LABBENCH_HOME) : join(root, '.labbench');
}
