/** Interop with Hugging Face `tokenizers` (npm, native): exported files give our ids; imports round-trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bpe, scaffoldBpe } from '../src/factory.js';
import { exportHuggingFace, type ScaffoldExtension } from '../src/hf-export.js';
import { importHuggingFace } from '../src/hf-import.js';
import { bytesToByteLevel } from '../src/byte-level.js';
import type { BpeTokenizer } from '../src/tokenizer.js';
import { CORPUS, PROBE, PROSE } from './helpers/corpus.js';

const { Tokenizer } = await import('tokenizers');
// a few KB of varied text: prose, digits, punctuation, newlines, Unicode, emoji, odd whitespace
const TEXT = [PROBE, PROSE.toLowerCase(), [...PROSE.slice(0, 900)].reverse().join(''), '\n\n\t 1+1=2; x_y=3.5e-2 ... 🚀🌍✨', PROBE.toUpperCase()].join('\n');
const plain = bpe.train(CORPUS, { vocabSize: 600 }) as BpeTokenizer;
const scaffold = scaffoldBpe.train(CORPUS, { vocabSize: 600 }) as BpeTokenizer;

async function hfIds(json: string, text: string): Promise<number[]> {
  const encoding = await Tokenizer.fromString(json).encode(text);
  return encoding.getIds();
}

test(`exportHuggingFace: plain BPE gives the same ids in Hugging Face tokenizers on ${TEXT.length} chars of varied text`, async () => {
  const json = exportHuggingFace(plain);
  assert.deepEqual(await hfIds(json, TEXT), Array.from(plain.encode(TEXT)));
  assert.equal(await Tokenizer.fromString(json).decode(Array.from(plain.encode(TEXT)), false), TEXT);
});

test("exportHuggingFace: also with the 'gpt2' pretokenizer (digit runs kept together)", async () => {
  const gpt2 = bpe.train(CORPUS, { vocabSize: 600, pretokenizer: 'gpt2' }) as BpeTokenizer;
  assert.deepEqual(await hfIds(exportHuggingFace(gpt2), TEXT), Array.from(gpt2.encode(TEXT)));
});

test('exportHuggingFace: Scaffold-BPE loads in Hugging Face; its ids demolished by the extension map equal ours', async () => {
  const json = exportHuggingFace(scaffold);
  const ext = JSON.parse(json).model.labbench as ScaffoldExtension;
  assert.equal(ext.scaffold.length, scaffold.toJSON().scaffold.length);
  const ids = await hfIds(json, TEXT);
  const demolished = ids.flatMap((id) => ext.demolition[String(id)] ?? [id]);
  assert.deepEqual(demolished, Array.from(scaffold.encode(TEXT)));
  assert.ok(ext.scaffold.every((id) => id >= scaffold.vocabSize), 'scaffold tokens get ids after the normal ones');
});

test('importHuggingFace: our exports round-trip to the same merges, flags and encodings', () => {
  for (const tokenizer of [plain, scaffold]) {
    const back = importHuggingFace(exportHuggingFace(tokenizer));
    assert.equal(back.id, tokenizer.id);
    assert.deepEqual(back.toJSON().merges, tokenizer.toJSON().merges);
    assert.deepEqual(back.toJSON().scaffold, tokenizer.toJSON().scaffold);
    assert.equal(back.toJSON().ids, undefined, 'ids are already in the compact layout');
    assert.deepEqual(back.encode(TEXT), tokenizer.encode(TEXT));
  }
});

test('importHuggingFace: a GPT-2-style file (ByteLevel with its regex, shuffled ids) encodes as Hugging Face does', async () => {
  const gpt2 = bpe.train(CORPUS, { vocabSize: 600, pretokenizer: 'gpt2' }) as BpeTokenizer;
  const file = JSON.parse(exportHuggingFace(gpt2));
  file.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  // renumber: reverse all ids, so that the importer must keep an explicit id table
  const size = Object.keys(file.model.vocab).length;
  for (const key of Object.keys(file.model.vocab)) file.model.vocab[key] = size - 1 - file.model.vocab[key];
  file.added_tokens[0].id = size - 1 - file.added_tokens[0].id;
  const json = JSON.stringify(file);
  const imported = importHuggingFace(json);
  assert.ok(Array.isArray(imported.toJSON().ids));
  assert.equal(imported.eosId, file.added_tokens[0].id);
  assert.deepEqual(Array.from(imported.encode(TEXT)), await hfIds(json, TEXT));
  assert.equal(imported.decode(imported.encode(TEXT)), TEXT);
});

test('importHuggingFace: files it cannot reproduce are rejected at the field at fault', () => {
  const file = JSON.parse(exportHuggingFace(plain));
  const broken = (patch: (f: typeof file) => void) => {
    const copy = structuredClone(file);
    patch(copy);
    return () => importHuggingFace(copy);
  };
  assert.throws(broken((f) => { f.model.type = 'WordPiece'; }), /importHuggingFace › model\.type: is "WordPiece", not "BPE"/);
  assert.throws(broken((f) => { f.normalizer = { type: 'Lowercase' }; }), /› normalizer: must be null/);
  assert.throws(broken((f) => { f.pre_tokenizer = { type: 'Whitespace' }; }), /› pre_tokenizer: .* is not a supported layout/);
  assert.throws(broken((f) => { f.added_tokens = []; }), /› added_tokens: has no special token/);
  assert.throws(broken((f) => { f.model.vocab['zzzextra'] = 99999; }), /› model\.vocab: has \d+ entries but bytes, special tokens and merges give \d+/);
  assert.throws(broken((f) => { f.model.merges[0] = ['Ġzzzz', 'q']; }), /› model\.merges\[0\]: .* uses a token no earlier merge produced/);
  assert.throws(broken((f) => { f.model.continuing_subword_prefix = '##'; }), /› model\.continuing_subword_prefix: is "##"/);
});

test('importHuggingFace: two merges with one result ("ab"+"c", "a"+"bc") share an id and encode as Hugging Face does', async () => {
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[bytesToByteLevel(Uint8Array.of(b))] = b;
  Object.assign(vocab, { '<|endoftext|>': 256, xa: 257, bc: 258, ab: 259, xabc: 260, abc: 261 });
  const file = JSON.parse(exportHuggingFace(bpe.train([], { vocabSize: 257 })));
  file.model.vocab = vocab;
  // "abc" first arises from ab + c (rank 4); rank 5 (a + bc) is the one that fires, as bc merges before ab
  file.model.merges = [['x', 'a'], ['b', 'c'], ['a', 'b'], ['xa', 'bc'], ['ab', 'c'], ['a', 'bc']];
  const json = JSON.stringify(file);
  const tokenizer = importHuggingFace(json);
  const text = 'abc xabc abcbc bcab aabc';
  assert.deepEqual(tokenizer.toJSON().merges.length, 6);
  assert.equal(tokenizer.model.results[4], tokenizer.model.results[5], 'both merges give "abc"');
  assert.deepEqual(Array.from(tokenizer.encode(text)), await hfIds(json, text));
  assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
});
