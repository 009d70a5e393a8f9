import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';

test('labbench list --json: every plugin with id, kinds, package and version', () => {
  const { code, stdout } = runCli(['list', '--json']);
  assert.equal(code, 0);
  const { plugins } = JSON.parse(stdout) as { plugins: { id: string; kinds: string[]; package: string; version: string }[] };
  for (const id of ['dense', 'cross-entropy', 'perplexity', 'downstream', 'detection-basic']) {
    const p = plugins.find((x) => x.id === id);
    assert.ok(p, `plugin ${id} listed`);
    assert.ok(p.kinds.length > 0 && p.package.startsWith('@labbench/') && /^\d+\.\d+\.\d+/.test(p.version));
  }
});

test('labbench run --study does-not-exist: exit 2, names the study, lists the known ones, writes nothing', () => {
  const home = tempDir('labbench-home-');
  const { code, stderr } = runCli(['run', '--study', 'does-not-exist', '--profile', 'smoke'], { home });
  assert.equal(code, 2);
  assert.match(stderr, /unknown study 'does-not-exist'/);
  assert.match(stderr, /Known: .*dense-baseline/);
  assert.deepEqual(readdirSync(home), []);
});

test('labbench run --suite with a wrong type: exit 2 naming the field, writes nothing', () => {
  const home = tempDir('labbench-home-');
  const suite = join(tempDir('labbench-suite-'), 'suite.json');
  writeFileSync(suite, JSON.stringify({ profile: 'smoke', seeds: 'three' }));
  const { code, stderr } = runCli(['run', '--suite', suite], { home });
  assert.equal(code, 2);
  assert.match(stderr, /seeds: must be integer, got "three"/);
  assert.deepEqual(readdirSync(home), []);
});

test('labbench run --snapshot-every: an empty, negative or non-numeric value exits 2 naming the flag, writes nothing', () => {
  for (const value of ['', ' ', '-1', 'ten']) {
    const home = tempDir('labbench-home-');
    const { code, stderr } = runCli(['run', '--study', 'dense-baseline', '--profile', 'smoke', '--snapshot-every', value], { home });
    assert.equal(code, 2, `'${value}': ${stderr}`);
    assert.match(stderr, /--snapshot-every: expected seconds from 0 \(never\)/);
    assert.deepEqual(readdirSync(home), []);
  }
});

test('labbench: an unknown option or command exits 2', () => {
  assert.equal(runCli(['run', '--no-such-flag']).code, 2);
  assert.equal(runCli(['frobnicate']).code, 2);
});

test('labbench validate: a corrupted record exits non-zero naming the record and the field', () => {
  const dir = tempDir('labbench-validate-');
  const good = {
    schema: 'labbench.result/v1', study: 'dense-baseline', studyVersion: 1, arm: 'swiglu', seed: 0, board: 'ppl', metric: 'id.all.bits_per_byte',
    value: 2.5, direction: 'lower', n: 100,
    provenance: { cellKey: 'a'.repeat(64), configHash: 'b'.repeat(64), paramsTotal: 1, paramsActive: 1, flopsPerTokenTrain: 1, flopsPerTokenInference: 1, tokens: 1, backend: 'wasm', nativeKernels: false, labbenchVersion: '0.1.0', plugins: {}, gitCommit: 'x', date: '2026-01-01T00:00:00.000Z', profile: 'smoke' },
  };
  const file = join(dir, 'results.jsonl');
  writeFileSync(file, [good, { ...good, arm: 'relu', n: -3 }].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const bad = runCli(['validate', file]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /line 2 \(study dense-baseline, arm relu, seed 0, metric id\.all\.bits_per_byte\)/);
  assert.match(bad.stderr, /n: must be >= 0/);
  writeFileSync(file, JSON.stringify(good) + '\n');
  assert.equal(runCli(['validate', file]).code, 0);
  assert.ok(existsSync(file) && readFileSync(file, 'utf8').length > 0);
});
