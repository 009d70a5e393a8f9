/**
 * `labbench tokenizer encode|decode` with a Hugging Face tokenizer.json (issue #21: it failed with
 * "unknown tokenizer 'undefined'"), one exported by labbench and one trained by Hugging Face
 * `tokenizers`; the same file as a study's tokenizer; bad tokenizer files exiting 2 with a sentence.
 */

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir, workspaceRoot } from './helpers.js';

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

// Hugging Face's `tokenizers` (npm, native) is a dev dependency of the bpe plugin, which owns the interop.
const hf = createRequire(join(workspaceRoot, 'plugins/bpe/package.json'))('tokenizers') as typeof import('tokenizers');
const SPECIAL = '<|endoftext|>';

/**
 * A tokenizer.json trained by Hugging Face `tokenizers`: byte-level BPE, GPT-2's pre-tokenizer.
 * The npm binding trains with its default trainer and has no ByteLevel decoder, so the file gets
 * what Python's `BpeTrainer(initial_alphabet=ByteLevel.alphabet(), special_tokens=[...])` and
 * `decoders.ByteLevel()` would give: every byte in the vocabulary, an end-of-text token, a decoder.
 * Hugging Face itself then loads the file and gives the reference ids.
 */
function huggingFaceTrained(dir: string): { path: string; tokenizer: InstanceType<typeof hf.Tokenizer> } {
  const corpus = join(dir, 'hf-corpus.txt');
  writeFileSync(corpus, `${TEXT.repeat(30)}naïve café, 東京 and 🚀 too\n`);
  const trainer = new hf.Tokenizer(hf.BPE.empty());
  trainer.setPreTokenizer(hf.byteLevelPreTokenizer(false));
  trainer.train([corpus]);
  const raw = join(dir, 'hf-raw.json');
  trainer.save(raw);
  const file = JSON.parse(readFileSync(raw, 'utf8'));
  const vocab = file.model.vocab as Record<string, number>;
  let next = Math.max(...Object.values(vocab)) + 1;
  for (const byte of hf.byteLevelAlphabet()) if (!(byte in vocab)) vocab[byte] = next++;
  vocab[SPECIAL] = next;
  file.added_tokens = [{ id: next, content: SPECIAL, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
  file.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  const path = join(dir, 'tokenizer.json');
  writeFileSync(path, JSON.stringify(file));
  return { path, tokenizer: hf.Tokenizer.fromFile(path) };
}

test("tokenizer encode/decode: a tokenizer.json trained by Hugging Face tokenizers gives Hugging Face's ids and decodes back", async () => {
  const dir = tempDir('labbench-tok-');
  const { path, tokenizer } = huggingFaceTrained(dir);
  assert.ok(JSON.parse(readFileSync(path, 'utf8')).model.merges.length > 50, 'the file holds the merges Hugging Face learned');
  // unseen words, digits, accents, CJK and emoji: merges and byte fallback both at work
  const probe = `${TEXT}Queequeg's 3 harpoons (1851): naïve, 東京, 🚀!\n`;
  const input = join(dir, 'probe.txt');
  writeFileSync(input, probe);
  const encoded = runCli(['tokenizer', 'encode', '--tokenizer', path, '--input', input]);
  assert.equal(encoded.code, 0, encoded.stderr);
  const expected = (await tokenizer.encode(probe)).getIds();
  assert.deepEqual(encoded.stdout.trim().split(' ').map(Number), expected);
  const ids = join(dir, 'ids.txt');
  writeFileSync(ids, encoded.stdout);
  const decoded = runCli(['tokenizer', 'decode', '--tokenizer', path, '--input', ids]);
  assert.equal(decoded.code, 0, decoded.stderr);
  assert.equal(decoded.stdout, probe);
  assert.equal(await tokenizer.decode(expected, false), probe, 'and so does Hugging Face');
});

/** A workspace with one plugin whose study trains the dense model on a Hugging Face tokenizer.json. */
function studyWorkspace(tokenizerPath: string): string {
  const root = tempDir('labbench-hf-study-');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module', workspaces: ['plugins/*'] }));
  mkdirSync(join(root, 'node_modules', '@labbench'), { recursive: true });
  for (const name of ['core', 'tensor', 'tensor-native', 'corpora', 'plugin-dense', 'plugin-bpe', 'plugin-cross-entropy', 'plugin-perplexity']) {
    const target = join(workspaceRoot, 'node_modules', '@labbench', name);
    if (existsSync(target)) symlinkSync(realpathSync(target), join(root, 'node_modules', '@labbench', name));
  }
  const dir = join(root, 'plugins', 'hf-study');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const manifest = {
    name: 'fixture-hf-study',
    version: '1.0.0',
    type: 'module',
    exports: { '.': './src/index.ts' },
    labbench: { id: 'hf-study', kinds: ['evaluator', 'study'] },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  const sha256 = createHash('sha256').update(readFileSync(tokenizerPath)).digest('hex');
  writeFileSync(
    join(dir, 'src', 'index.ts'),
    `import { definePlugin, defineStudy, type Evaluator } from '@labbench/core';
// what the cell's tokenizer is: its vocabulary size and how many ids it gives a fixed text
const probe: Evaluator = {
  id: 'hf-probe', description: 'the tokenizer the cell used', boards: ['ppl'], requires: 'any',
  async evaluate(subject) {
    return [
      { board: 'ppl', metric: 'probe.vocab', value: subject.tokenizer.vocabSize, direction: 'none', n: 1 },
      { board: 'ppl', metric: 'probe.tokens', value: subject.tokenizer.encode(${JSON.stringify(TEXT)}).length, direction: 'none', n: 1 },
    ];
  },
};
export default definePlugin({
  id: 'hf-study', evaluators: [probe],
  studies: [defineStudy({
    id: 'hf-tokenized', version: 1, title: 'dense on a Hugging Face tokenizer', claim: 'fixture',
    shared: { model: 'dense', modelConfig: { ffnHidden: 16 }, loss: 'cross-entropy', tokenizer: 'hf-json', tokenizerConfig: ${JSON.stringify({ path: tokenizerPath, sha256 })} },
    arms: { only: {} }, references: false, evaluators: ['hf-probe', 'perplexity'],
  })],
});
`,
  );
  return root;
}

test("a study's tokenizer: `hf-json` with a Hugging Face tokenizer.json trains and evaluates the model on that file's ids", async () => {
  const dir = tempDir('labbench-tok-');
  const { path, tokenizer } = huggingFaceTrained(dir);
  const root = studyWorkspace(path);
  const home = tempDir('labbench-hf-home-');
  const out = join(home, 'out');
  const run = runCli(['run', '--study', 'hf-tokenized', '--profile', 'smoke', '--jobs', '1', '--out', out], { cwd: root, home });
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const records = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { metric: string; value: number });
  const value = (metric: string) => records.find((r) => r.metric === metric)?.value;
  assert.equal(value('probe.vocab'), tokenizer.getVocabSize(true));
  assert.equal(value('probe.tokens'), (await tokenizer.encode(TEXT)).getIds().length);
  assert.ok((value('id.all.bits_per_byte') ?? Number.NaN) > 0, 'the model trained and was evaluated on those ids');
});
