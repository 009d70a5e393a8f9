/** Spec 1.8, encoding invariants 8-13, plus round-trip on arbitrary Unicode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MergeApplier } from '../src/apply-merges.js';
import { bpe, scaffoldBpe, trainDetailed } from '../src/factory.js';
import { compilePattern, forEachPiece, PRETOKENIZERS } from '../src/pretokenize.js';
import { tokenizerFromJSON } from '../src/serialize.js';
import type { BpeTokenizer } from '../src/tokenizer.js';
import { smallCorpus, targetSize } from './helpers/arbitraries.js';
import { CORPUS, PROSE } from './helpers/corpus.js';

const RUNS = { numRuns: 100 };
const trained: BpeTokenizer[] = [
  bpe.train(CORPUS, { vocabSize: 500 }) as BpeTokenizer,
  scaffoldBpe.train(CORPUS, { vocabSize: 500 }) as BpeTokenizer,
  scaffoldBpe.train(CORPUS, { vocabSize: 300 }) as BpeTokenizer,
];
const tokenizerArb = fc.constantFrom(...trained);
// words of the training text glue into strings that hit many merges; the others cover Unicode
const words = PROSE.split(/(?<=\s)/u);
const textArb = fc.oneof(
  fc.array(fc.constantFrom(...words), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
const bytesOf = (tokenizer: BpeTokenizer, ids: ArrayLike<number>) => Buffer.concat(Array.from(ids, (id) => tokenizer.model.bytes[tokenizer.model.expandedOf[id]]));

test('encode: for any well-formed string, decode(encode(x)) === x (inv. 8)', () => {
  fc.assert(fc.property(tokenizerArb, textArb, (tokenizer, text) => {
    assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
  }), RUNS);
});

test('encode: for any string with lone surrogates, decode(encode(x)) is x with them replaced by U+FFFD', () => {
  const withSurrogates = fc.array(fc.oneof(fc.constantFrom(...words), fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))), { maxLength: 20 })
    .map((parts) => parts.join(''));
  fc.assert(fc.property(tokenizerArb, withSurrogates, (tokenizer, text) => {
    assert.equal(tokenizer.decode(tokenizer.encode(text)), text.replace(/[\uD800-\uDFFF]/gu, '\ufffd')); // u-mode: lone halves only
  }), RUNS);
});

test('encode: for any string, every id is in 0..N-1 and names a normal token (inv. 9)', () => {
  fc.assert(fc.property(tokenizerArb, textArb, (tokenizer, text) => {
    for (const id of tokenizer.encode(text)) {
      assert.ok(id >= 0 && id < tokenizer.vocabSize, `id ${id} outside 0..${tokenizer.vocabSize - 1}`);
      assert.equal(tokenizer.model.isScaffold[tokenizer.model.expandedOf[id]], 0);
    }
  }), RUNS);
});

test('demolish: for any trained tokenizer, demolish(s) spells s, is identity on normal tokens and idempotent (inv. 10)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, (corpus, n) => {
    const m = (trainDetailed('scaffold-bpe', corpus, { vocabSize: n }).tokenizer).model;
    const demolish = (e: number) => Array.from(m.demolished.subarray(m.demolitionStart[e], m.demolitionStart[e + 1]));
    for (let e = 0; e < m.tokenCount; e++) {
      const parts = demolish(e);
      assert.deepEqual(Buffer.concat(parts.map((id) => m.bytes[m.expandedOf[id]])), Buffer.from(m.bytes[e]));
      if (!m.isScaffold[e]) assert.deepEqual(parts, [m.emitId[e]]);
      assert.deepEqual(parts.flatMap((id) => demolish(m.expandedOf[id])), parts);
    }
  }), { numRuns: 40 });
});

test('encode: for any text, Scaffold-BPE = demolish(plain BPE encode over the expanded merges); with S empty they are equal (inv. 11)', () => {
  fc.assert(fc.property(textArb, (text) => {
    const scaffold = trained[1];
    const expanded = tokenizerFromJSON({ ...scaffold.toJSON(), type: 'bpe', scaffold: [] });
    const m = scaffold.model;
    const demolished = Array.from(expanded.encode(text)).flatMap((e) => Array.from(m.demolished.subarray(m.demolitionStart[e], m.demolitionStart[e + 1])));
    assert.deepEqual(Array.from(scaffold.encode(text)), demolished);
    const plain = trained[0];
    const asScaffold = tokenizerFromJSON({ ...plain.toJSON(), type: 'scaffold-bpe' });
    assert.deepEqual(asScaffold.encode(text), plain.encode(text));
  }), RUNS);
});

test('encode: for any corpus, a training word encodes to its demolished final training segmentation (inv. 12)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, fc.constantFrom('bpe' as const, 'scaffold-bpe' as const), (corpus, n, type) => {
    const { tokenizer, words } = trainDetailed(type, corpus, { vocabSize: n });
    const m = tokenizer.model;
    const pieces = [...(function* () {
      const re = compilePattern(PRETOKENIZERS['gpt2-digits'], 'test');
      const seen = new Set<string>();
      for (const doc of corpus) forEachPiece(doc, re, (p) => seen.add(p));
      yield* seen;
    })()];
    assert.equal(pieces.length, words.size);
    pieces.forEach((piece, w) => {
      const segmentation = words.tokens(w).flatMap((e) => Array.from(m.demolished.subarray(m.demolitionStart[e], m.demolitionStart[e + 1])));
      assert.deepEqual(Array.from(tokenizer.encodePiece(piece)), segmentation, `word ${JSON.stringify(piece)}`);
    });
  }), { numRuns: 60 });
});

test('encode: for any texts, results do not depend on batching, cache state or merge path (inv. 13)', () => {
  fc.assert(fc.property(tokenizerArb, fc.array(textArb, { maxLength: 4 }), (tokenizer, texts) => {
    const joined = texts.join('');
    const ids = Array.from(tokenizer.encode(joined));
    const cold = new (tokenizer.constructor as typeof BpeTokenizer)(tokenizer.toJSON(), 'test', 0); // no cache at all
    assert.deepEqual(Array.from(cold.encode(joined)), ids);
    assert.deepEqual(Array.from(tokenizer.encode(joined)), ids); // warm cache, same answer
    const perPiece: number[] = [];
    forEachPiece(joined, compilePattern(PRETOKENIZERS['gpt2-digits'], 'test'), (p) => perPiece.push(...tokenizer.encodePiece(p)));
    assert.deepEqual(perPiece, ids); // the generators never produce <|endoftext|>
  }), RUNS);
});

test('merge applier: for any piece, the heap path (long pieces) equals the scan path (short pieces)', () => {
  const model = trained[1].model;
  const scan = new MergeApplier(model, Number.MAX_SAFE_INTEGER);
  const heap = new MergeApplier(model, 0);
  fc.assert(fc.property(textArb, (text) => {
    const bytes = new TextEncoder().encode(text);
    const a = Int32Array.from(bytes);
    const b = Int32Array.from(bytes);
    const na = scan.apply(a, a.length);
    const nb = heap.apply(b, b.length);
    assert.deepEqual(a.subarray(0, na), b.subarray(0, nb));
  }), RUNS);
});

test('encode: for any text, the result equals bytes-level re-encoding of its own decode (stable ids)', () => {
  fc.assert(fc.property(tokenizerArb, textArb, (tokenizer, text) => {
    const ids = tokenizer.encode(text);
    assert.deepEqual(bytesOf(tokenizer, ids), Buffer.from(new TextEncoder().encode(text)));
    assert.deepEqual(tokenizer.encode(tokenizer.decode(ids)), ids);
  }), RUNS);
});
