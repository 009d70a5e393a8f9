import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { check } from '@labbench/core';
import { main } from '../src/main.js';
import { tempDir } from './helpers.js';

/** Runs the CLI in this process with stderr captured and a fresh state folder. */
async function runQuietly(args: string[]): Promise<{ code: number; stderr: string; home: string }> {
  const home = tempDir('labbench-fuzz-');
  const saved = { home: process.env.LABBENCH_HOME, write: process.stderr.write };
  let stderr = '';
  process.env.LABBENCH_HOME = home;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stderr, home };
  } finally {
    process.env.LABBENCH_HOME = saved.home;
    process.stderr.write = saved.write;
  }
}

const nothingWritten = (home: string) => !existsSync(home) || readdirSync(home).length === 0;

test('fuzz: for any invalid suite file, run exits 2, names the field and writes nothing', async () => {
  // Judge the text that reaches the file, not the in-memory value: JSON drops `undefined`
  // members, so {"": undefined} is written as {} (a valid suite that would run every study).
  const suiteText = fc.oneof(
    fc.record({ profile: fc.string(), seeds: fc.anything(), studies: fc.anything(), backend: fc.string(), extra: fc.anything() }, { requiredKeys: [] }),
    fc.anything(),
  ).map((v) => JSON.stringify(v) ?? 'null').filter((text) => check('suite', JSON.parse(text)).length > 0);
  const dir = tempDir('labbench-suites-');
  let n = 0;
  await fc.assert(fc.asyncProperty(suiteText, async (text) => {
    const file = join(dir, `suite-${n++}.json`);
    writeFileSync(file, text);
    const { code, stderr, home } = await runQuietly(['run', '--suite', file]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /invalid suite|not valid JSON/);
    assert.ok(nothingWritten(home));
  }), { numRuns: 40 });
});

test('fuzz: for any run arguments with one bad value, run exits 2 with a plain sentence and writes nothing', async () => {
  const junk = fc.string({ maxLength: 12 }).filter((s) => !s.startsWith('-'));
  const poison = fc.oneof(
    fc.tuple(fc.constant('--study'), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((s) => !['dense-baseline', 'scaffold-bpe'].includes(s))),
    fc.tuple(fc.constant('--profile'), junk.filter((s) => !['smoke', 'quick', 'full'].includes(s))),
    fc.tuple(fc.constant('--seeds'), junk.filter((s) => !/^([1-9]|1\d|20)$/.test(s))),
    fc.tuple(fc.constant('--backend'), junk.filter((s) => !['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'].includes(s))),
    fc.tuple(fc.constant('--shard'), junk.filter((s) => !/^\d+\/\d+$/.test(s))),
    fc.tuple(fc.constant('--no-such-option'), junk),
  );
  await fc.assert(fc.asyncProperty(poison, fc.boolean(), async ([flag, value], withProfile) => {
    const args = ['run', ...(withProfile && flag !== '--profile' ? ['--profile', 'smoke'] : []), flag, value];
    const { code, stderr, home } = await runQuietly(args);
    assert.equal(code, 2, `${args.join(' ')} -> ${code}: ${stderr}`);
    assert.ok(stderr.trim().length > 0);
    assert.ok(nothingWritten(home), `${args.join(' ')} wrote files`);
  }), { numRuns: 60 });
});
