/**
 * Token streams in the content store: `labbench run` encodes them once in its own process and its
 * workers load them, so a loaded stream must equal the encoded one, token for token, and a worker
 * that finds them stored must not read or encode the training text again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ContentStore, getProfile, type ArmSpec, type DataProvider, type Registry, type TrainedTokenizer } from '../src/index.js';
import { TokenData } from '../src/token-data.js';

/** Byte-level: one id per UTF-8 byte, the end-of-text id after them. */
function byteTokenizer(): TrainedTokenizer {
  return {
    id: 'bytes', vocabSize: 257, eosId: 256,
    encode: (text) => Int32Array.from(new TextEncoder().encode(text)),
    decode: (ids) => new TextDecoder().decode(Uint8Array.from(ids)),
    toJSON: () => ({ type: 'bytes', version: 1 }),
  };
}

const registry = {
  get: () => ({ id: 'bytes', description: 'bytes', train: byteTokenizer, fromJSON: byteTokenizer }),
  versionOf: () => '1.0.0',
} as unknown as Registry;

/** Documents chosen by the seed; counts every read of the training text. */
function provider(documents: readonly string[], reads: { train: number }): DataProvider {
  return {
    trainingText: async (o) => {
      reads.train++;
      return documents.map((_, i) => documents[(i + o.seed) % documents.length]);
    },
    validationText: async (o) => (o.domain === 'in-domain' ? documents.slice(0, 2) : documents.slice(-1)),
    hash: async (o) => `${o.seed}:${documents.join('\u0000')}`,
    evalData: () => { throw new Error('not used'); },
    mixtures: () => ['default'],
    sets: () => [],
  };
}

const arm: ArmSpec = { model: 'dense', tokenizer: 'bytes', loss: 'cross-entropy' };
const profile = getProfile('smoke');
const silent = { log() {} };

test('TokenData: streams prepared in one process and loaded in another equal the encoded ones, and the loader never reads the training text', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 6 }), fc.nat(3), async (documents, seed) => {
    const dir = mkdtempSync(join(tmpdir(), 'labbench-streams-'));
    const reference = await new TokenData(provider(documents, { train: 0 }), new ContentStore(mkdtempSync(join(tmpdir(), 'labbench-ref-'))), registry, profile, silent).streams(arm, seed);
    await new TokenData(provider(documents, { train: 0 }), new ContentStore(dir), registry, profile, silent).prepare(arm, seed);
    const reads = { train: 0 };
    const loaded = await new TokenData(provider(documents, reads), new ContentStore(dir), registry, profile, silent).streams(arm, seed);
    assert.equal(reads.train, 0, 'loaded from the store, not encoded again');
    assert.deepEqual(loaded, reference);
  }), { numRuns: 40 });
});

test('TokenData: another seed or other text is another stored stream; a corrupted one is encoded again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'labbench-streams-'));
  const documents = ['alpha beta', 'gamma', 'delta epsilon zeta'];
  const data = new TokenData(provider(documents, { train: 0 }), new ContentStore(dir), registry, profile, silent);
  await data.prepare(arm, 0);
  await data.prepare(arm, 1);
  await new TokenData(provider([...documents, 'eta'], { train: 0 }), new ContentStore(dir), registry, profile, silent).prepare(arm, 0);
  const files = readdirSync(join(dir, 'streams'));
  assert.equal(files.length, 3);
  const path = join(dir, 'streams', files[0]);
  const bytes = readFileSync(path);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(path, bytes);
  const saved = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    for (const seed of [0, 1]) {
      const reads = { train: 0 };
      const again = await new TokenData(provider(documents, reads), new ContentStore(dir), registry, profile, silent).streams(arm, seed);
      const fresh = await new TokenData(provider(documents, { train: 0 }), new ContentStore(mkdtempSync(join(tmpdir(), 'labbench-ref-'))), registry, profile, silent).streams(arm, seed);
      assert.deepEqual(again, fresh);
    }
  } finally {
    process.stderr.write = saved;
  }
});
