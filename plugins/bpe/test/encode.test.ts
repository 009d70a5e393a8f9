/** Encoder examples and edge cases: empty and very long input, Unicode, special tokens, bad ids. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bpe, scaffoldBpe } from '../src/factory.js';
import type { BpeTokenizer } from '../src/tokenizer.js';
import { CORPUS, PROBE } from './helpers/corpus.js';

const plain = bpe.train(CORPUS, { vocabSize: 500 }) as BpeTokenizer;
const scaffold = scaffoldBpe.train(CORPUS, { vocabSize: 500 }) as BpeTokenizer;

test('encode: the empty string gives no ids and decodes back to ""', () => {
  for (const t of [plain, scaffold]) {
    assert.equal(t.encode('').length, 0);
    assert.equal(t.decode([]), '');
  }
});

test('encode: very long inputs (one 300 KB piece, 1 MB of mixed text) round-trip', () => {
  const piece = 'thethinkerthinks'.repeat(20_000); // one letter run: takes the heap merge path
  const mixed = PROBE.repeat(Math.ceil(1_000_000 / PROBE.length));
  for (const t of [plain, scaffold]) {
    const ids = t.encode(piece);
    assert.ok(ids.length < piece.length * 0.8, `merges should apply inside the long piece (${ids.length} ids)`);
    assert.equal(t.decode(ids), piece);
    assert.equal(t.decode(t.encode(mixed)), mixed);
  }
});

test('encode: a long piece encodes as the concatenation of its short repeats would (no drift on the heap path)', () => {
  const unit = scaffold.encode(' thinking');
  assert.deepEqual(scaffold.encode(' thinking'.repeat(500)), Int32Array.from({ length: unit.length * 500 }, (_, i) => unit[i % unit.length]));
});

test('encode: emoji, combining marks, CJK, RTL and control characters round-trip', () => {
  const samples = ['👨‍👩‍👧‍👦🇺🇸👍🏽', 'é vs e\u0301', '中文字符 日本語 한국어', 'עברית العربية', '\u0000\u0001\u007f\u0085\ufeff\ufffd', '\r\n\t\v\f'];
  for (const t of [plain, scaffold]) for (const s of samples) assert.equal(t.decode(t.encode(s)), s);
});

test('encode: a known word of the training text becomes one token; digits never merge', () => {
  assert.equal(plain.encode(' Arizona').length, 1);
  for (const t of [plain, scaffold]) {
    const ids = t.encode('12345');
    assert.deepEqual(Array.from(ids), [...'12345'].map((c) => c.charCodeAt(0)));
  }
});

test('encode: literal <|endoftext|> in text becomes eosId, as in Hugging Face (special tokens are matched in text)', () => {
  const ids = Array.from(plain.encode('a<|endoftext|>b'));
  assert.deepEqual(ids, [...plain.encode('a'), plain.eosId, ...plain.encode('b')]);
  assert.equal(plain.decode(ids), 'a<|endoftext|>b');
});

test('decode: ids outside the vocabulary fail with the position and the range', () => {
  assert.throws(() => plain.decode([1, 500]), /decode › ids\[1\]: id 500 is outside the vocabulary 0\.\.499\./);
  assert.throws(() => scaffold.decode([-1]), /ids\[0\]: id -1 is outside/);
  assert.throws(() => plain.decode([1.5]), /id 1\.5 is outside/);
});

test('decode: an id that is half of a UTF-8 character decodes to U+FFFD on its own', () => {
  const ids = plain.encode('𝔘'); // 4 UTF-8 bytes, never seen in training
  assert.ok(ids.length > 1);
  assert.equal(plain.decode(ids.subarray(0, 1)), '\ufffd');
});
