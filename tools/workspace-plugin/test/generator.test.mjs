// The plugin generator on an in-memory Nx tree (no disk, no npm): what it writes, and that the
// package it writes is wired exactly as tools/sync-packages.mjs wires every package.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import fc from 'fast-check';
import { syncedManifest, tsconfigs } from '../../sync-packages.mjs';

const require = createRequire(import.meta.url);
const generator = require('../src/generators/plugin/generator.js');

async function generate(name, extra = {}) {
  const tree = createTreeWithEmptyWorkspace();
  const callback = await generator(tree, { name, ...extra });
  const read = (path) => tree.read(`plugins/${name}/${path}`, 'utf-8');
  return { tree, callback, read };
}

test('generator: writes a package with a model on the reference decoder, a study with one claim, a README and contract tests', async () => {
  const { read, callback } = await generate('my-method', { paper: 'A Paper' });
  for (const file of [
    'package.json',
    'tsconfig.json',
    'tsconfig.lib.json',
    'README.md',
    'src/index.ts',
    'src/model.ts',
    'src/study.ts',
    'test/contract.test.ts',
  ]) {
    assert.ok(read(file), `plugins/my-method/${file} is written`);
  }
  const model = read('src/model.ts');
  assert.match(model, /new DecoderLM\(/, 'the model builds on the reference decoder');
  assert.match(model, /feedForward: /, 'through a decoder hook');
  assert.doesNotMatch(model, /not implemented/);
  const study = read('src/study.ts');
  assert.equal(study.match(/role: 'headline'/g)?.length, 1, 'one headline claim');
  assert.match(study, /id: 'method-beats-baseline'/);
  assert.match(study, /paper: \{ figure: /);
  assert.match(study, /gates: \['beats-bigram'\]/, 'the claim names its validity gate');
  assert.match(study, /id: 'beats-bigram', [^}]*arm: 'baseline', than: 'ref-bigram'/, 'the gate is written out in the study');
  assert.match(read('test/contract.test.ts'), /describeModelContract\(myMethodModel/);
  assert.match(read('README.md'), /npx labbench run --plugin my-method --profile smoke/);
  assert.equal(typeof callback, 'function', 'a task that updates package-lock.json and builds runs after the files are written');
});

test('generator: package.json and tsconfigs are what sync-packages would write (exports, files, scripts)', async () => {
  const { read } = await generate('my-method');
  const pkg = JSON.parse(read('package.json'));
  assert.deepEqual(pkg, syncedManifest(pkg, 'plugins/my-method', true));
  assert.equal(pkg.name, '@labbench/plugin-my-method');
  assert.deepEqual(pkg.labbench.kinds, ['model', 'study']);
  for (const [name, config] of Object.entries(tsconfigs('plugins/my-method', ['packages/core', 'packages/tensor'])))
    assert.deepEqual(JSON.parse(read(name)), config, name);
});

test('generator: the new package joins tsconfig.base.json paths (tsx runs it from sources), in sorted order', async () => {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(
    'tsconfig.base.json',
    JSON.stringify({
      compilerOptions: { strict: true, paths: { '@labbench/core': ['./packages/core/src/index.ts'], '@labbench/tensor': ['./packages/tensor/src/index.ts'] } },
    }),
  );
  await generator(tree, { name: 'my-method' });
  const { compilerOptions } = JSON.parse(tree.read('tsconfig.base.json', 'utf-8'));
  assert.equal(compilerOptions.strict, true);
  assert.deepEqual(Object.keys(compilerOptions.paths), ['@labbench/core', '@labbench/plugin-my-method', '@labbench/tensor']);
  assert.deepEqual(compilerOptions.paths['@labbench/plugin-my-method'], ['./plugins/my-method/src/index.ts']);
});

test('generator: any name that is not kebab-case is refused with the rule; existing plugins are not overwritten', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 12 }).filter((s) => !/^[a-z][a-z0-9-]{0,63}$/.test(s)),
      async (name) => {
        await assert.rejects(generate(name), /kebab-case/);
      },
    ),
    { numRuns: 25 },
  );
  const tree = createTreeWithEmptyWorkspace();
  await generator(tree, { name: 'twice' });
  await assert.rejects(generator(tree, { name: 'twice' }), /already exists/);
});
