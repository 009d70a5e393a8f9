import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@labbench/core';
import { SetCache } from '../src/cache.js';
import { MIXTURES, trainingTextHash } from '../src/mixtures.js';
import { PAIR_MIXTURES, trainingTextFor } from '../src/pairs/training-pairs.js';
import { cachedTrainingTextHash } from '../src/training-text-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'corpora-training-hash-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fromText = (o: { mixture: string; maxChars: number; seed: number }) => trainingTextHash(o, trainingTextFor(o));
const mixtureIds = [...MIXTURES.map((m) => m.id), ...PAIR_MIXTURES.map((m) => m.id)];

test('cachedTrainingTextHash: for any mixture, budget and seed, the stored hash is the hash of the text, first and on every later read', () => {
  fc.assert(
    fc.property(fc.constantFrom(...mixtureIds), fc.integer({ min: 1_000, max: 40_000 }), fc.integer({ min: 0, max: 9 }), (mixture, maxChars, seed) => {
      const options = { mixture, maxChars, seed };
      const cacheDir = join(dir, `p-${mixture}-${maxChars}-${seed}`);
      const expected = fromText(options);
      assert.equal(cachedTrainingTextHash(options, new SetCache(cacheDir)), expected, 'built');
      assert.equal(cachedTrainingTextHash(options, new SetCache(cacheDir)), expected, 'read back by another process');
    }),
    { numRuns: 12 },
  );
});

test('cachedTrainingTextHash: the answer comes from the store when the entry is intact, and is recomputed when it is damaged or built from other inputs', () => {
  const options = { mixture: 'default', maxChars: 20_000, seed: 2 };
  const cacheDir = join(dir, 'planted');
  const truth = cachedTrainingTextHash(options, new SetCache(cacheDir));
  const data = readdirSync(cacheDir).find((f) => f.startsWith('training-default-') && f.endsWith('.jsonl'))!;
  const meta = data.replace(/\.jsonl$/, '.meta.json');
  const sidecar = JSON.parse(readFileSync(join(cacheDir, meta), 'utf8')) as { sha256: string; fingerprint: string };
  // a planted entry whose checksum matches is answered as it is: proof that nothing was rebuilt
  const planted = `${JSON.stringify({ sha256: 'planted' })}\n`;
  writeFileSync(join(cacheDir, data), planted);
  writeFileSync(join(cacheDir, meta), JSON.stringify({ ...sidecar, sha256: sha256(planted) }));
  assert.equal(cachedTrainingTextHash(options, new SetCache(cacheDir)), 'planted');
  // damaged data (its checksum fails): rebuilt from the text
  writeFileSync(join(cacheDir, data), `${JSON.stringify({ sha256: 'damaged' })}\n`);
  assert.equal(cachedTrainingTextHash(options, new SetCache(cacheDir)), truth);
  // an entry built from other inputs (another corpus version or source): rebuilt
  writeFileSync(join(cacheDir, data), planted);
  writeFileSync(join(cacheDir, meta), JSON.stringify({ ...sidecar, sha256: sha256(planted), fingerprint: 'other-inputs' }));
  assert.equal(cachedTrainingTextHash(options, new SetCache(cacheDir)), truth);
});

test('cachedTrainingTextHash: options the builder refuses get its error and leave no file', () => {
  const cacheDir = join(dir, 'refused');
  const cache = new SetCache(cacheDir);
  assert.throws(() => cachedTrainingTextHash({ mixture: '../defualt', maxChars: 1000, seed: 0 }, cache), /unknown mixture/);
  assert.throws(() => cachedTrainingTextHash({ mixture: 'default', maxChars: -1, seed: 0 }, cache), /maxChars/);
  assert.throws(() => cachedTrainingTextHash({ mixture: 'default', maxChars: 1000, seed: 0.5 }, cache), /seed/);
  assert.throws(() => readdirSync(cacheDir), /ENOENT/);
});
