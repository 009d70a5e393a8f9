/** The `hf-json` tokenizer: a Hugging Face tokenizer.json file as a study's tokenizer (issue #21). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ContractError } from '@labbench/core';
import { bpe, scaffoldBpe } from '../src/factory.js';
import { exportHuggingFace } from '../src/hf-export.js';
import { hfJson } from '../src/hf-json.js';
import { CORPUS, PROBE } from './helpers/corpus.js';

function writeExport(tokenizer: Parameters<typeof exportHuggingFace>[0]): { path: string; sha256: string } {
  const text = exportHuggingFace(tokenizer);
  const path = join(mkdtempSync(join(tmpdir(), 'labbench-hfjson-')), 'tokenizer.json');
  writeFileSync(path, text);
  return { path, sha256: createHash('sha256').update(text).digest('hex') };
}

test('hf-json: "training" loads the file named by tokenizerConfig.path and encodes as the exported tokenizer (both algorithms)', () => {
  for (const factory of [bpe, scaffoldBpe]) {
    const source = factory.train(CORPUS, { vocabSize: 320 });
    const { path, sha256 } = writeExport(source);
    // the profile's vocabSize comes with every call and is ignored: the file decides
    const loaded = hfJson.train([], { vocabSize: 4096, path, sha256 });
    assert.equal(loaded.vocabSize, source.vocabSize);
    assert.deepEqual(loaded.encode(PROBE), source.encode(PROBE));
    assert.equal(loaded.decode(loaded.encode(PROBE)), PROBE);
    // the runner's cache stores toJSON(); fromJSON reads that and a tokenizer.json object alike
    assert.deepEqual(hfJson.fromJSON(loaded.toJSON()).encode(PROBE), source.encode(PROBE));
    assert.deepEqual(hfJson.fromJSON(JSON.parse(exportHuggingFace(source))).encode(PROBE), source.encode(PROBE));
  }
});

test('hf-json: a missing path, a missing file, a changed file or an unknown option is a ConfigError naming the field', () => {
  const { path } = writeExport(bpe.train(CORPUS, { vocabSize: 300 }));
  const configError = (field: RegExp) => (error: unknown) => error instanceof ConfigError && error.exitCode === 2 && field.test(error.where);
  assert.throws(() => hfJson.train([], { vocabSize: 300 }), configError(/tokenizerConfig\.path/));
  assert.throws(() => hfJson.train([], { vocabSize: 300, path: join(tmpdir(), 'no-such-tokenizer.json') }), configError(/tokenizerConfig\.path/));
  assert.throws(() => hfJson.train([], { vocabSize: 300, path, sha256: '0'.repeat(64) }), configError(/tokenizerConfig\.sha256/));
  assert.throws(() => hfJson.train([], { vocabSize: 300, path, file: path }), configError(/tokenizerConfig\.file/));
});

test('hf-json: a tokenizer.json the importer cannot honour is a ContractError (exit 2), not a crash', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'labbench-hfjson-')), 'tokenizer.json');
  writeFileSync(path, JSON.stringify({ model: { type: 'Unigram', vocab: [] }, normalizer: null }));
  assert.throws(() => hfJson.train([], { vocabSize: 300, path }), (e: unknown) => e instanceof ContractError && e.exitCode === 2 && /model\.type/.test(e.where));
  writeFileSync(path, '{ not json');
  assert.throws(() => hfJson.train([], { vocabSize: 300, path }), (e: unknown) => e instanceof ConfigError && /not JSON/.test(e.what));
});
