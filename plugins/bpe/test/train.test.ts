/** Trainer examples and edge cases (spec 1.3-1.5, 1.9). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bpe, scaffoldBpe, trainDetailed } from '../src/factory.js';
import { CORPUS } from './helpers/corpus.js';

const text = (tokenizer: { model: { bytes: Uint8Array[] } }, e: number) => new TextDecoder().decode(tokenizer.model.bytes[e]);
// the spec's toy example: "zona" mostly occurs inside "arizona"
const ZONA = [[...Array(95).fill('arizona'), ...Array(5).fill('zona'), ...Array(30).fill('qwertyuiop')].join('\n')];

test('scaffold-bpe: "zona" (95 of 100 uses inside "arizona") becomes scaffold and is demolished when encoded alone', () => {
  const { tokenizer } = trainDetailed('scaffold-bpe', ZONA, { vocabSize: 262 });
  const scaffold = tokenizer.toJSON().scaffold.map((e) => text(tokenizer, e));
  assert.ok(scaffold.includes('zona'), `scaffold tokens: ${scaffold.join(', ')}`);
  assert.equal(tokenizer.vocabSize, 262);
  const arizona = tokenizer.encode('arizona');
  assert.equal(arizona.length, 1);
  assert.equal(tokenizer.decode(arizona), 'arizona');
  // zona -> z + ona -> z + o + na -> z + o + n + a: "ona" and "na" are scaffold too (f = 0)
  assert.deepEqual(Array.from(tokenizer.encode('zona')), [...'zona'].map((c) => c.charCodeAt(0)));
});

test('scaffold-bpe: when pairs run out, a pushed-back scaffold token at the head is re-integrated', () => {
  const { tokenizer, outcome } = trainDetailed('scaffold-bpe', ZONA, { vocabSize: 263 }, { trace: true });
  const unmark = outcome.trace!.find((e) => e.kind === 'unmark');
  assert.ok(unmark, 'expected an un-mark event');
  assert.equal(text(tokenizer, unmark.t), 'zona');
  assert.equal(unmark.key, 5);
  assert.equal(tokenizer.encode('zona').length, 1);
  assert.equal(outcome.exhausted, true);
});

test('bpe: the same corpus gives plain BPE merges and no scaffold tokens', () => {
  const { tokenizer } = trainDetailed('bpe', ZONA, { vocabSize: 262 });
  assert.deepEqual(tokenizer.toJSON().scaffold, []);
  assert.deepEqual(tokenizer.toJSON().merges.slice(0, 3).map(([a, b]) => [text(tokenizer, a), text(tokenizer, b)]), [['n', 'a'], ['o', 'na'], ['z', 'ona']]);
});

test('train: <|endoftext|> is pinned at id 256, is a boundary in training text, and encodes to eosId', () => {
  const tokenizer = scaffoldBpe.train(['x<|endoftext|>y '.repeat(50)], { vocabSize: 300 });
  assert.equal(tokenizer.eosId, 256);
  const merged = (tokenizer as ReturnType<typeof trainDetailed>['tokenizer']).toJSON().merges.flat();
  assert.ok(!merged.includes('<'.charCodeAt(0)), 'a merge used a byte of the special token');
  assert.deepEqual(Array.from(tokenizer.encode('<|endoftext|>')), [256]);
  assert.equal(tokenizer.decode([256]), '<|endoftext|>');
});

test('train: the same corpus and options give the identical tokenizer file', () => {
  for (const factory of [bpe, scaffoldBpe]) {
    const a = factory.train(CORPUS, { vocabSize: 400 });
    const b = factory.train(CORPUS, { vocabSize: 400 });
    assert.equal(JSON.stringify(a.toJSON()), JSON.stringify(b.toJSON()));
  }
});

test('train: vocabSize counts normal tokens; scaffold-bpe has |E| = N + |S|', () => {
  const { tokenizer, outcome } = trainDetailed('scaffold-bpe', CORPUS, { vocabSize: 400 });
  assert.equal(outcome.exhausted, false);
  assert.equal(tokenizer.vocabSize, 400);
  assert.ok(tokenizer.toJSON().scaffold.length > 0, 'expected scaffold tokens on the fixed corpus');
  assert.equal(tokenizer.model.tokenCount, 400 + tokenizer.toJSON().scaffold.length);
});

test("train: an exhausted corpus stops with a smaller vocabulary, or throws with onExhausted 'error'", () => {
  const small = bpe.train(['abab abab'], { vocabSize: 1000 });
  assert.ok(small.vocabSize < 1000);
  assert.equal((small.toJSON().stats as { exhausted: boolean }).exhausted, true);
  assert.throws(() => bpe.train(['abab abab'], { vocabSize: 1000, onExhausted: 'error' }),
    /bpe\.train › vocabSize: the corpus ran out of pairs at \d+ tokens, before reaching vocabSize 1000\.\s+Use a larger corpus/);
});

test('train: an empty corpus gives the byte-level base (256 bytes + <|endoftext|>) that still round-trips', () => {
  const tokenizer = bpe.train([], { vocabSize: 257 });
  assert.equal(tokenizer.vocabSize, 257);
  assert.equal(tokenizer.decode(tokenizer.encode('héllo 😀')), 'héllo 😀');
  assert.equal(tokenizer.encode('héllo').length, 6);
});

test('train: bad options fail with where, what and how to fix', () => {
  assert.throws(() => bpe.train(CORPUS, { vocabSize: 100 }), /bpe\.train options › vocabSize: must be an integer >= 257 .* got 100\./);
  assert.throws(() => bpe.train(CORPUS, { vocabSize: 300, vocab: 3 }), /unknown option 'vocab'\.\s+Known options: vocabSize, specialTokens/);
  assert.throws(() => scaffoldBpe.train(CORPUS, { vocabSize: 300, tieBreak: 'random' }),
    /scaffold-bpe\.train options › tieBreak: must be one of pairs-first, tokens-first, got "random"/);
  assert.throws(() => bpe.train(CORPUS, { vocabSize: 300, specialTokens: [] }), /specialTokens: must be a non-empty list/);
  assert.throws(() => bpe.train([42 as unknown as string], { vocabSize: 300 }), /every corpus document must be a string, got number/);
});

test('train: extra special tokens are pinned after <|endoftext|> and round-trip', () => {
  const tokenizer = bpe.train(CORPUS, { vocabSize: 300, specialTokens: ['<|endoftext|>', '<|pad|>'] });
  assert.deepEqual(Array.from(tokenizer.encode('<|pad|><|endoftext|>')), [257, 256]);
  assert.equal(tokenizer.decode(tokenizer.encode('a<|pad|>b')), 'a<|pad|>b');
});

test('train stats: scaffold count, share and frequency change are recorded (null change for plain BPE)', () => {
  const scaffold = scaffoldBpe.train(CORPUS, { vocabSize: 400 }).toJSON();
  const stats = scaffold.stats as Record<string, number>;
  assert.equal(stats.scaffoldCount, (scaffold.scaffold as number[]).length);
  assert.ok(stats.scaffoldShare > 0 && stats.scaffoldShare < 1);
  assert.ok(Number.isFinite(stats.avgFreqChange));
  // V = (E_bpe \ R) ∪ A and |V| = N = |E_bpe|, so as many tokens are added as replaced
  assert.equal(stats.addedCount, stats.replacedCount);
  assert.ok(stats.replacedCount <= stats.scaffoldCount);
  const plain = bpe.train(CORPUS, { vocabSize: 400 }).toJSON().stats as Record<string, unknown>;
  assert.equal(plain.avgFreqChange, null);
  assert.equal(plain.scaffoldCount, 0);
});
