#!/usr/bin/env node
// Keeps every TypeScript workspace package wired the same way, so adding one is not a checklist:
//   - `exports`: each subpath has a "@labbench/source" condition (the .ts file; tests and tsx use
//     it through --conditions=@labbench/source), then `types` and `default` pointing at dist/;
//   - `files` ships dist/; `scripts` hold the Nx targets build, typecheck, lint and test;
//   - tsconfig.json (type-check src and tests from sources) and tsconfig.lib.json (emit dist/).
// Usage: node tools/sync-packages.mjs [--check]   (--check writes nothing and exits 1 on drift)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, typescriptPackages } from './workspace.mjs';

export const SOURCE_CONDITION = '@labbench/source';

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** `./src/x.ts` -> the conditional export of its compiled form; anything else is kept. */
export function conditionalExport(target) {
  if (typeof target !== 'string' || !/^\.\/src\/.+\.ts$/.test(target)) return target;
  const out = target.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
  return { [SOURCE_CONDITION]: target, types: `${out}.d.ts`, default: `${out}.js` };
}

const hasTests = (dir) => existsSync(join(dir, 'test')) && readdirSync(join(dir, 'test'), { recursive: true }).some((f) => /\.test\.(ts|mjs)$/.test(String(f)));

/** The package.json a package should have (only exports, files and scripts are touched). */
export function syncedManifest(pkg, dir, withTests = hasTests(join(root, dir))) {
  const next = structuredClone(pkg);
  if (typeof next.exports === 'string') next.exports = { '.': next.exports };
  next.exports = Object.fromEntries(Object.entries(next.exports ?? { '.': './src/index.ts' }).map(([k, v]) => [k, conditionalExport(v)]));
  if (!next.exports['./package.json']) next.exports['./package.json'] = './package.json';
  const files = new Set(next.files ?? []);
  files.add('dist');
  next.files = [...files];
  const depth = dir.split('/').length;
  const up = '../'.repeat(depth);
  next.scripts = {
    ...next.scripts,
    build: `node ${up}tools/build.mjs .`,
    typecheck: 'tsc -p tsconfig.json --noEmit',
    lint: 'biome lint --error-on-warnings .',
  };
  if (withTests) next.scripts.test = `node ${up}tools/run-tests.mjs ${dir}/`;
  else delete next.scripts.test;
  return next;
}

/**
 * The package's tsconfigs. `references` name the workspace packages it depends on (optional
 * dependencies excepted: they are loaded at run time, never imported for types), so
 * `tsc -b <package>/tsconfig.lib.json` builds them first and compiles against current .d.ts.
 */
export function tsconfigs(dir, deps = referencedDirs(dir)) {
  const up = '../'.repeat(dir.split('/').length);
  const base = `${up}tsconfig.base.json`;
  const references = deps.map((d) => ({ path: `${up}${d}/tsconfig.lib.json` }));
  return {
    'tsconfig.json': { extends: base, include: ['src/**/*.ts', 'test/**/*.ts'] },
    'tsconfig.lib.json': {
      extends: base,
      compilerOptions: {
        // Emit resolves sibling packages through their `types` (dist/*.d.ts), built first.
        customConditions: [],
        noEmit: false,
        allowImportingTsExtensions: false,
        composite: true,
        declarationMap: true,
        sourceMap: true,
        rootDir: 'src',
        outDir: 'dist',
        tsBuildInfoFile: 'dist/.tsbuildinfo',
        // the base's paths map sibling packages to their sources (for tsx and the type-check)
        paths: {},
      },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      ...(references.length > 0 ? { references } : {}),
    },
  };
}

/** Folders of the TypeScript workspace packages `dir` depends on (not optionally). */
export function referencedDirs(dir, packages = typescriptPackages()) {
  const me = packages.find((p) => p.dir === dir);
  if (!me) return [];
  const byName = new Map(packages.map((p) => [p.name, p.dir]));
  const { dependencies, devDependencies, peerDependencies } = me.pkg;
  return Object.keys({ ...dependencies, ...devDependencies, ...peerDependencies })
    .filter((name) => byName.has(name) && name !== me.name)
    .map((name) => byName.get(name))
    .sort();
}

/**
 * `paths` of tsconfig.base.json: every package's source exports. tsc resolves them like the
 * @labbench/source condition; tsx (which knows no custom conditions but reads tsconfig paths) then
 * runs sibling packages from their sources too, so `node --import tsx --test <file>` never runs a
 * stale dist/.
 */
export function sourcePaths(packages = typescriptPackages()) {
  const paths = {};
  for (const { dir, name, pkg } of packages) {
    for (const [subpath, target] of Object.entries(syncedManifest(pkg, dir, false).exports)) {
      const source = typeof target === 'object' ? target[SOURCE_CONDITION] : undefined;
      if (source) paths[`${name}${subpath.slice(1)}`] = [`./${dir}/${source.slice(2)}`];
    }
  }
  return Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
}

/** Files that differ from what they should be (written unless `check`). */
export function sync(check) {
  const drift = [];
  const write = (path, text) => {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) return;
    drift.push(path.slice(root.length + 1));
    if (!check) writeFileSync(path, text);
  };
  for (const { dir, pkg } of typescriptPackages()) {
    write(join(root, dir, 'package.json'), json(syncedManifest(pkg, dir)));
    for (const [name, config] of Object.entries(tsconfigs(dir))) write(join(root, dir, name), json(config));
  }
  const basePath = join(root, 'tsconfig.base.json');
  const base = JSON.parse(readFileSync(basePath, 'utf8'));
  base.compilerOptions.paths = sourcePaths();
  write(basePath, json(base));
  return drift;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const drift = sync(check);
  if (check && drift.length > 0) {
    console.error(`sync-packages: out of date: ${drift.join(', ')}\nRun: node tools/sync-packages.mjs`);
    process.exit(1);
  }
  if (!check) console.log(drift.length ? `sync-packages: wrote ${drift.join(', ')}` : 'sync-packages: up to date');
}
