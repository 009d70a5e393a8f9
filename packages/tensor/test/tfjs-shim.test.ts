/**
 * '#tfjs' (packages/tensor/tfjs): TensorFlow.js loaded with require() and re-exported by name, so
 * that starting labbench does not pay for Node's import of the CommonJS bundles (issue #21).
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import * as bundle from '@tensorflow/tfjs';
import { tf } from '../src/index.js';
// @ts-expect-error: a plain .mjs script without declarations
import { exportNames, shimSource } from '../tfjs/generate.mjs';

const tensorDir = join(import.meta.dirname, '..');
const root = join(tensorDir, '../..');

test('#tfjs: index.js is what generate.mjs writes for the installed @tensorflow/tfjs (rerun it after an upgrade)', () => {
  assert.equal(readFileSync(join(tensorDir, 'tfjs/index.js'), 'utf8'), shimSource(), 'run: node packages/tensor/tfjs/generate.mjs');
  assert.deepEqual(Object.keys(tf).sort(), exportNames());
});

test('#tfjs: the same TensorFlow.js as an import of @tensorflow/tfjs: one engine, the cpu backend and the gradients', async () => {
  assert.equal(tf.engine(), bundle.engine(), 'one engine: kernels and backends registered through either are seen by both');
  assert.equal(tf.Tensor, bundle.Tensor);
  assert.ok(tf.findBackendFactory('cpu'), "the 'cpu' backend is registered");
  assert.ok(tf.getGradient('RealDiv'), 'the gradients are registered (tfjs-core alone has none)');
  const x = tf.tensor1d([1, -2, 3]);
  const grad = tf.grad((v: tf.Tensor) => tf.relu(v).div(2).sum())(x);
  assert.deepEqual(Array.from(await grad.data()), [0.5, 0, 0.5]);
  assert.ok(x instanceof bundle.Tensor);
  tf.dispose([x, grad]);
});

/** TypeScript sources of the workspace packages (tests and dist excluded). */
function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'test'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

test('#tfjs: no package or plugin source imports a TensorFlow.js bundle as a value (types only)', () => {
  // One value import anywhere would bring back the slow start for every command.
  const valueImport = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'@tensorflow\/tfjs(?:-core)?'/m;
  const offenders = ['packages', 'plugins', 'datasets']
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name, 'src')))
    .flatMap((src) => {
      try {
        return sources(src);
      } catch {
        return [];
      }
    })
    .filter((file) => valueImport.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file));
  assert.deepEqual(offenders, [], "import TensorFlow.js as `tf` from '@labbench/tensor' (or '#tfjs' inside it, or require() it); `import type` is fine");
});
