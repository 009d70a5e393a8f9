// The workspace's TypeScript packages, read from the root package.json's `workspaces` globs, in
// dependency order (a package comes after every workspace package it depends on). Shared by the
// build, the package sync and their tests so the three agree on what a package is.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Every workspace package folder (relative to the root) whose sources are TypeScript under src/. */
export function typescriptPackages(base = root) {
  const globs = readJson(join(base, 'package.json')).workspaces ?? [];
  const dirs = globs.flatMap((glob) => {
    const parent = join(base, glob.replace(/\/\*$/, ''));
    if (!existsSync(parent)) return [];
    return readdirSync(parent)
      .map((name) => join(parent, name))
      .filter((dir) => existsSync(join(dir, 'package.json')) && hasTypeScript(join(dir, 'src')));
  });
  const packages = dirs.map((dir) => {
    const pkg = readJson(join(dir, 'package.json'));
    return { dir: relative(base, dir), name: pkg.name, pkg };
  });
  return topological(packages);
}

function hasTypeScript(src) {
  return existsSync(src) && readdirSync(src, { recursive: true }).some((f) => String(f).endsWith('.ts'));
}

/** Workspace names a package depends on (every dependency field). */
export function workspaceDeps(pkg, names) {
  const all = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };
  return Object.keys(all).filter((name) => names.has(name) && name !== pkg.name).sort();
}

function topological(packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const names = new Set(byName.keys());
  const out = [];
  const state = new Map();
  const visit = (p, path) => {
    if (state.get(p.name) === 'done') return;
    if (state.get(p.name) === 'open') throw new Error(`workspace dependency cycle: ${[...path, p.name].join(' -> ')}`);
    state.set(p.name, 'open');
    for (const dep of workspaceDeps(p.pkg, names)) visit(byName.get(dep), [...path, p.name]);
    state.set(p.name, 'done');
    out.push(p);
  };
  for (const p of [...packages].sort((a, b) => a.dir.localeCompare(b.dir))) visit(p, []);
  return out;
}
