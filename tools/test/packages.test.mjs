// Every TypeScript workspace package is wired the same way (exports with the source condition,
// files, build/typecheck/lint/test scripts, tsconfigs with references): tools/sync-packages.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionalExport, sync } from '../sync-packages.mjs';
import { typescriptPackages } from '../workspace.mjs';

test('packages: every TypeScript workspace package matches tools/sync-packages.mjs (run it to fix)', () => {
  assert.deepEqual(sync(true), [], 'out of date; run: node tools/sync-packages.mjs');
});

test('packages: dependency order puts every workspace dependency first', () => {
  const order = typescriptPackages();
  const position = new Map(order.map((p, i) => [p.name, i]));
  for (const [i, { pkg }] of order.entries()) {
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })) {
      if (position.has(dep)) assert.ok(position.get(dep) < i, `${pkg.name} comes after ${dep}`);
    }
  }
});

test('packages: a source export becomes source, types and default conditions; others are kept', () => {
  assert.deepEqual(conditionalExport('./src/testing/index.ts'), {
    '@labbench/source': './src/testing/index.ts',
    types: './dist/testing/index.d.ts',
    default: './dist/testing/index.js',
  });
  assert.equal(conditionalExport('./package.json'), './package.json');
});
