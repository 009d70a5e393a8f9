// Dependencies point one way: plugins -> tensor -> core; bench -> core (+ discovered plugins);
// datasets -> core. Core never imports a plugin or tensor's runtime; no package names a plugin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const importsOf = (file) => [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
const runtimeImportsOf = (file) => [...readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2]);

test('architecture: core imports no plugin and no runtime code of tensor or TensorFlow.js', () => {
  for (const file of sources(join(root, 'packages/core/src'))) {
    for (const spec of runtimeImportsOf(file)) {
      assert.ok(!spec.startsWith('@labbench/plugin-') && spec !== '@labbench/tensor' && !spec.startsWith('@tensorflow/'), `${file} imports ${spec}`);
    }
  }
});

test('architecture: no package under packages/ or datasets/ names a plugin package', () => {
  for (const base of ['packages', 'datasets']) {
    for (const file of sources(join(root, base))) {
      if (file.includes('/test/')) continue;
      for (const spec of importsOf(file)) assert.ok(!spec.startsWith('@labbench/plugin-'), `${file} imports ${spec}`);
    }
  }
});

test('architecture: plugins do not depend on the CLI, and packages declare the workspace packages they import', () => {
  for (const base of ['packages', 'plugins', 'datasets']) {
    for (const name of readdirSync(join(root, base))) {
      const pkgPath = join(root, base, name, 'package.json');
      if (!existsSync(pkgPath)) continue;
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
      const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }));
      for (const file of sources(join(root, base, name, 'src'))) {
        for (const spec of importsOf(file)) {
          const m = /^(@labbench\/[^/]+)/.exec(spec);
          if (!m || m[1] === pkg.name) continue;
          if (base === 'plugins') assert.notEqual(m[1], '@labbench/bench', `${file} imports the CLI`);
          assert.ok(declared.has(m[1]), `${pkg.name} imports ${m[1]} (${file}) without declaring it in package.json`);
        }
      }
    }
  }
});
