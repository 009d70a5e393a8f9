/**
 * Validators cached as ajv standalone code (issue #21: compiling the study schema was a tenth of
 * `labbench list`): a cached validator judges exactly as a fresh compile, and the cache can never
 * serve a validator of another schema or a corrupt file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { cachedValidator, newAjv, validatorCacheDir, validatorCacheFile } from '../src/schemas/validator-cache.js';
import { describeErrors, resultRecordSchema, studySchema } from '../src/schemas.js';

const OPTIONS = { allErrors: true, strict: true };
const compiled = (schema: object) => newAjv(OPTIONS, { formats: true }).compile(schema);

/** A cache folder inside node_modules (where the cached code's require('ajv/...') resolves). */
function cacheDir(): string {
  const base = validatorCacheDir();
  assert.ok(base, 'the workspace has a node_modules/.cache for validators');
  const dir = join(base, `test-${process.pid}-${Math.random().toString(36).slice(2)}`);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const resultRecord = fc.record({
  schema: fc.constant('labbench.result/v1'),
  study: id,
  studyVersion: fc.integer({ min: 1, max: 9 }),
  arm: id,
  seed: fc.nat(20),
  board: fc.constantFrom('ppl', 'downstream', 'tokenizer'),
  metric: fc.stringMatching(/^[a-z][a-z0-9._-]{0,30}$/),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  direction: fc.constantFrom('higher', 'lower', 'none'),
  n: fc.nat(),
  provenance: fc.record({
    cellKey: hex64,
    configHash: hex64,
    paramsTotal: fc.nat(),
    paramsActive: fc.nat(),
    flopsPerTokenTrain: fc.nat(),
    flopsPerTokenInference: fc.nat(),
    tokens: fc.nat(),
    backend: fc.constantFrom('wasm', 'cpu'),
    nativeKernels: fc.boolean(),
    labbenchVersion: fc.constant('0.1.0'),
    plugins: fc.dictionary(id, fc.constant('x@1.0.0')),
    gitCommit: fc.stringMatching(/^[0-9a-f]{40}$/),
    date: fc.oneof(fc.constant(new Date(0).toISOString()), fc.string()),
    profile: fc.constantFrom('smoke', 'quick'),
  }),
});

// A valid record, then (maybe) one field replaced by anything: valid and invalid inputs alike.
const mutatedRecord = fc
  .tuple(
    resultRecord,
    fc.option(fc.tuple(fc.constantFrom('study', 'seed', 'board', 'value', 'direction', 'provenance', 'extra'), fc.anything()), { nil: undefined }),
  )
  .map(([record, mutation]) => (mutation ? { ...record, [mutation[0]]: mutation[1] } : record));

test('validator cache: the cached result validator gives the same verdict and the same sentences as a fresh compile', () => {
  const dir = cacheDir();
  const first = cachedValidator('result', resultRecordSchema, OPTIONS, dir);
  const file = validatorCacheFile(dir, 'result', resultRecordSchema, OPTIONS);
  assert.ok(existsSync(file), 'the first compile writes the standalone code');
  const cached = cachedValidator('result', resultRecordSchema, OPTIONS, dir);
  assert.notEqual(cached, first, 'the second call loads the file instead of compiling');
  const fresh = compiled(resultRecordSchema);
  fc.assert(
    fc.property(mutatedRecord, (data) => {
      const expected = fresh(data);
      assert.equal(first(data), expected);
      assert.equal(cached(data), expected);
      assert.deepEqual(describeErrors(cached.errors, data), describeErrors(fresh.errors, data));
    }),
    { numRuns: 200 },
  );
});

test('validator cache: a study with a bad field is refused by the cached study validator with the field named', () => {
  const dir = cacheDir();
  cachedValidator('study', studySchema, OPTIONS, dir);
  const cached = cachedValidator('study', studySchema, OPTIONS, dir);
  const study = { id: 'x', version: 1, title: 't', claim: 'c', shared: { model: 'dense' }, arms: { a: {} }, evaluators: ['perplexity'] };
  assert.equal(cached(study), true);
  assert.equal(cached({ ...study, arms: { a: { stepsFraction: -1 } } }), false);
  assert.match(describeErrors(cached.errors, study).join('; '), /arms\.a\.stepsFraction/);
});

test('validator cache: another schema gets another file; a corrupt file is compiled afresh and replaced', () => {
  const dir = cacheDir();
  const a = validatorCacheFile(dir, 'study', studySchema, OPTIONS);
  assert.notEqual(validatorCacheFile(dir, 'study', { ...studySchema, title: 'edited' }, OPTIONS), a, 'any edit of the schema changes the key');
  assert.notEqual(validatorCacheFile(dir, 'study', studySchema, { ...OPTIONS, strict: false }), a, 'and so do the options');
  cachedValidator('study', studySchema, OPTIONS, dir);
  writeFileSync(a, 'module.exports = ;');
  const validate = cachedValidator('study', studySchema, OPTIONS, dir);
  assert.equal(validate({}), false);
  assert.equal(readdirSync(dir).length, 1);
  assert.equal(typeof cachedValidator('study', studySchema, OPTIONS, dir), 'function', 'the rewritten file loads');
});

test('validator cache: a process that finds its validators cached does not load ajv', () => {
  const dir = cacheDir();
  cachedValidator('study', studySchema, OPTIONS, dir);
  const script = `
    const { cachedValidator } = await import(${JSON.stringify(new URL('../src/schemas/validator-cache.ts', import.meta.url).href)});
    const { studySchema } = await import(${JSON.stringify(new URL('../src/schemas.ts', import.meta.url).href)});
    const { createRequire } = await import('node:module');
    const validate = cachedValidator('study', studySchema, ${JSON.stringify(OPTIONS)}, ${JSON.stringify(dir)});
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /[\\/]ajv[\\/]dist[\\/](2020|core|compile)/.test(f));
    console.log(JSON.stringify({ valid: validate({}), loaded }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: dirname(fileURLToPath(import.meta.url)),
  });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}'), { valid: false, loaded: [] });
});

test('validator cache: an unusable folder only means compiling every time', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'labbench-vc-')), 'not-a-folder');
  writeFileSync(file, '');
  const validate = cachedValidator('study', studySchema, OPTIONS, join(file, 'sub'));
  assert.equal(validate({}), false);
});
