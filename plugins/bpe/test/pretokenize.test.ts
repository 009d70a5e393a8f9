/** Pretokenization examples, and parity of our patterns with Hugging Face's pre-tokenizers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern, countPieces, forEachPiece, PRETOKENIZERS, splitSpecials } from '../src/pretokenize.js';
import { PROBE, PROSE } from './helpers/corpus.js';

const pieces = (text: string, name: keyof typeof PRETOKENIZERS = 'gpt2-digits') => {
  const out: string[] = [];
  forEachPiece(text, compilePattern(PRETOKENIZERS[name], 'test'), (p) => out.push(p));
  return out;
};

test('pretokenize: digits are split one per piece; a leading space stays on the first digit', () => {
  assert.deepEqual(pieces('in 2024, 3.14'), ['in', ' 2', '0', '2', '4', ',', ' 3', '.', '1', '4']);
  assert.deepEqual(pieces('in 2024', 'gpt2'), ['in', ' 2024']);
});

test("pretokenize: GPT-2 rules for contractions, letters, punctuation and whitespace", () => {
  assert.deepEqual(pieces("I'm fine, they'll go!!  Now\n\nthen"), ['I', "'m", ' fine', ',', ' they', "'ll", ' go', '!!', ' ', ' Now', '\n', '\n', 'then']);
  // whitespace before a word is left for the word (`\s+(?!\S)` backtracks one character)
  assert.deepEqual(pieces('a  \n b'), ['a', '  \n', ' b']);
});

test('pretokenize: every character of any text lands in exactly one piece', () => {
  for (const text of [PROSE, PROBE, '', ' ', '\u0085\ufeff\u2028', '😀👍🏽']) assert.equal(pieces(text).join(''), text);
});

test('splitSpecials: cuts special tokens out, earliest first, longer first on a tie', () => {
  const seen: (string | number)[] = [];
  splitSpecials('a<|x|>b<|x|><|xy|>', ['<|x|>', '<|x', '<|xy|>'], (s) => seen.push(s), (i) => seen.push(i));
  assert.deepEqual(seen, ['a', 0, 'b', 0, 2]);
});

test('countPieces: counts unique pieces and treats special tokens as boundaries', () => {
  const counts = countPieces(['the cat<|endoftext|>the cat', ' the'], compilePattern(PRETOKENIZERS['gpt2-digits'], 'test'), ['<|endoftext|>']);
  assert.deepEqual([...counts], [['the', 2], [' cat', 2], [' the', 1]]);
});

test('compilePattern: a pattern JavaScript cannot compile fails with the fix', () => {
  assert.throws(() => compilePattern('(?<', 'somewhere'), /somewhere: the pretokenizer pattern does not compile .*\s+Use one of the named patterns/);
});

/** Hugging Face's pre-tokenizer from a tokenizer.json fragment (its JS factory takes literal patterns only). */
async function hfPreTokenizer(preTokenizer: object) {
  const { Tokenizer } = await import('tokenizers');
  const file = { version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: preTokenizer,
    post_processor: null, decoder: null, model: { type: 'BPE', vocab: { a: 0 }, merges: [] } };
  return Tokenizer.fromString(JSON.stringify(file)).getPreTokenizer()!;
}

test("pretokenize: our patterns cut text exactly as Hugging Face's Split / ByteLevel pre-tokenizers do", async () => {
  const hf = await import('tokenizers');
  const text = `${PROSE}\n${PROBE}`;
  const split = await hfPreTokenizer({ type: 'Split', pattern: { Regex: PRETOKENIZERS['gpt2-digits'] }, behavior: 'Isolated', invert: false });
  assert.deepEqual(split.preTokenizeString(text).map(([p]) => p), pieces(text));
  // ByteLevel with its own (GPT-2) regex prints pieces in byte-level characters: compare those
  const byteLevel = hf.byteLevelPreTokenizer(false, true).preTokenizeString(text).map(([p]) => p);
  const ours = hf.byteLevelPreTokenizer(false, false);
  assert.deepEqual(byteLevel, pieces(text, 'gpt2').map((p) => ours.preTokenizeString(p)[0][0]));
});
