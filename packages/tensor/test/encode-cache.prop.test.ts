import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TrainedTokenizer } from '@labbench/core';
import { byteTokenizer } from '@labbench/core/testing';
import { cachedTokenizer, encodeCached, encodeCacheStats, tokenizerHash } from '../src/eval/encode-cache.js';

/** A byte tokenizer whose ids are shifted by `shift` (a different tokenizer with a different JSON). */
function shifted(shift: number): TrainedTokenizer {
  const base = byteTokenizer();
  return { ...base, id: `shifted${shift}`, encode: (t) => base.encode(t).map((i) => (i + shift) % 256), toJSON: () => ({ type: 'shifted', version: 1, shift }) };
}

test('encodeCached: for any text, the cached ids equal the tokenizer\'s own, and a second call is a hit returning the same array', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 0, max: 3 }), (text, shift) => {
    const tokenizer = shifted(shift);
    const first = encodeCached(tokenizer, text);
    assert.deepEqual(Array.from(first), Array.from(tokenizer.encode(text)));
    const hits = encodeCacheStats().hits;
    assert.equal(encodeCached(tokenizer, text), first);
    assert.equal(encodeCacheStats().hits, hits + 1);
  }), { numRuns: 200 });
});

test('encodeCached: tokenizers rebuilt from the same JSON share entries; different tokenizers never do', () => {
  const [a, b, c] = [shifted(1), shifted(1), shifted(2)];
  assert.equal(tokenizerHash(a), tokenizerHash(b));
  assert.notEqual(tokenizerHash(a), tokenizerHash(c));
  const ids = encodeCached(a, 'shared across cells');
  assert.equal(encodeCached(b, 'shared across cells'), ids);
  assert.deepEqual(Array.from(encodeCached(c, 'shared across cells')), Array.from(c.encode('shared across cells')));
  assert.notDeepEqual(Array.from(encodeCached(c, 'shared across cells')), Array.from(ids));
});

test('cachedTokenizer: a view with the same ids, vocabulary, decode and JSON; wrapping twice is a no-op', () => {
  const base = byteTokenizer();
  const view = cachedTokenizer(base);
  assert.equal(cachedTokenizer(view), view);
  assert.deepEqual({ id: view.id, vocabSize: view.vocabSize, eosId: view.eosId, json: view.toJSON() }, { id: base.id, vocabSize: base.vocabSize, eosId: base.eosId, json: base.toJSON() });
  assert.deepEqual(Array.from(view.encode('héllo')), Array.from(base.encode('héllo')));
  assert.equal(view.decode(view.encode('héllo')), 'héllo');
  assert.equal(tokenizerHash(view), tokenizerHash(base));
});
