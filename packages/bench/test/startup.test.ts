/**
 * What `labbench list` loads (issue #21: it has to answer in well under a second). Start-up time
 * is too noisy to assert on a shared machine, so this checks the causes instead: no schema
 * compiler, no math library a plugin needs only to fit or solve, no TensorFlow.js backend or
 * publishing tool, and TensorFlow.js itself required rather than imported (an import of its
 * CommonJS bundles costs 3-5x the CPU).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from './helpers.js';

/** Runs `labbench <args>` and returns the modules it loaded: `import <url>` or `require <url>`. */
function loadedModules(args: string[]): string[] {
  const dir = tempDir('labbench-startup-');
  const log = join(dir, 'loaded.txt');
  const preload = join(dir, 'preload.mjs');
  // ES modules through a resolve hook; CommonJS from require.cache at exit
  const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, 'import ' + result.url + '\\n');
  return result;
}`;
  writeFileSync(
    preload,
    `import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
writeFileSync(${JSON.stringify(log)}, '');
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).map((f) => 'require ' + f + '\\n').join('')));
`,
  );
  const result = runCli(args, { env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}` } });
  assert.equal(result.code, 0, result.stderr);
  return [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
}

const packageOf = (line: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line)?.[1];

test('labbench list: loads every plugin but no schema compiler, fitting library, backend or publishing tool, and requires TensorFlow.js', () => {
  loadedModules(['list', '--json']); // the first run on a fresh install compiles the study schema into the cache
  const loaded = loadedModules(['list', '--json']);
  assert.ok(
    loaded.some((l) => l.includes('plugins/dense/')),
    'the plugins are loaded',
  );
  const packages = new Set(loaded.map(packageOf).filter((p) => p !== undefined));
  for (const heavy of [
    'ml-matrix',
    'ml-levenberg-marquardt',
    '@tensorflow/tfjs-backend-wasm',
    '@labbench/tensor-native',
    'vega',
    'vega-lite',
    'playwright-core',
  ]) {
    assert.ok(!packages.has(heavy), `${heavy} is loaded by labbench list`);
  }
  const compiler = loaded.filter((l) => /ajv\/dist\/(2020|core|compile)/.test(l));
  assert.deepEqual(compiler, [], 'ajv compiles nothing: the study validator comes from the cache');
  const imported = loaded.filter((l) => l.startsWith('import ') && packageOf(l)?.startsWith('@tensorflow/'));
  assert.deepEqual(imported, [], 'TensorFlow.js goes through #tfjs (require), never an import');
  assert.ok(packages.has('@tensorflow/tfjs'), 'and it is loaded, as every plugin that uses tensors needs it');
});
