/**
 * `labbench tokenizer encode|decode` with a Hugging Face tokenizer.json (issue #21: it failed with
 * "unknown tokenizer 'undefined'"), and bad tokenizer files exiting 2 with a sentence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers.js';

const TEXT = 'Call me Ishmael. Some years ago (1841), never mind how long precisely, having little or no money.\n';

test('tokenizer encode/decode: a Hugging Face tokenizer.json works like the tokenizer it was exported from', () => {
  const dir = tempDir('labbench-tok-');
  const corpus = join(dir, 'corpus.txt');
  const input = join(dir, 'input.txt');
  writeFileSync(corpus, TEXT.repeat(20));
  writeFileSync(input, TEXT);
  const ours = join(dir, 'ours.json');
  const hf = join(dir, 'tokenizer.json');
  assert.equal(runCli(['tokenizer', 'train', '--algo', 'bpe', '--vocab', '300', '--input', corpus, '--out', ours]).code, 0);
  assert.equal(runCli(['tokenizer', 'export-hf', '--tokenizer', ours, '--out', hf]).code, 0);
  assert.equal(JSON.parse(readFileSync(hf, 'utf8')).type, undefined, 'a tokenizer.json has no top-level type');
  const expected = runCli(['tokenizer', 'encode', '--tokenizer', ours, '--input', input]);
  const encoded = runCli(['tokenizer', 'encode', '--tokenizer', hf, '--input', input]);
  assert.equal(encoded.code, 0, encoded.stderr);
  assert.equal(encoded.stdout, expected.stdout);
  const ids = join(dir, 'ids.txt');
  writeFileSync(ids, encoded.stdout);
  const decoded = runCli(['tokenizer', 'decode', '--tokenizer', hf, '--input', ids]);
  assert.equal(decoded.code, 0, decoded.stderr);
  assert.equal(decoded.stdout, TEXT);
});

test('tokenizer encode: a tokenizer.json the importer cannot honour, or a JSON file of neither kind, exits 2 naming the field', () => {
  const dir = tempDir('labbench-tok-');
  const input = join(dir, 'input.txt');
  writeFileSync(input, TEXT);
  const wordPiece = join(dir, 'wordpiece.json');
  writeFileSync(wordPiece, JSON.stringify({ version: '1.0', model: { type: 'WordPiece', vocab: {} }, normalizer: null, added_tokens: [] }));
  const bad = runCli(['tokenizer', 'encode', '--tokenizer', wordPiece, '--input', input]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /importHuggingFace › model\.type: is "WordPiece", not "BPE"/);
  const neither = join(dir, 'neither.json');
  writeFileSync(neither, JSON.stringify({ hello: 'world' }));
  const none = runCli(['tokenizer', 'encode', '--tokenizer', neither, '--input', input]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /› type: is missing, and the file has no 'model' either/);
});
