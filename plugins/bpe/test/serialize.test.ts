/** toJSON / fromJSON: round trip, and loud rejection of the wrong type, version or shape (STYLE rule 15). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bpe, scaffoldBpe, trainDetailed } from '../src/factory.js';
import { tokenizerFromJSON } from '../src/serialize.js';
import { ContractError, LabbenchError } from '@labbench/core';
import { smallCorpus, targetSize } from './helpers/arbitraries.js';
import { CORPUS, PROBE } from './helpers/corpus.js';

const plain = bpe.train(CORPUS, { vocabSize: 400 });
const scaffold = scaffoldBpe.train(CORPUS, { vocabSize: 400 });
const through = (value: unknown) => JSON.parse(JSON.stringify(value));

test('toJSON: records type, version 1, options, pattern and the tie-breaking rule', () => {
  const json = scaffold.toJSON();
  assert.equal(json.type, 'scaffold-bpe');
  assert.equal(json.version, 1);
  assert.equal((json.options as { vocabSize: number }).vocabSize, 400);
  assert.match(String(json.tieBreakRule), /^key desc; on equal keys pairs first; then lower a; then lower b/);
  assert.equal((json.pretokenizer as { name: string }).name, 'gpt2-digits');
});

test('fromJSON: for any trained tokenizer, the file survives JSON text and rebuilds identical encodings', () => {
  fc.assert(fc.property(smallCorpus, targetSize, fc.constantFrom('bpe' as const, 'scaffold-bpe' as const), (corpus, n, type) => {
    const { tokenizer } = trainDetailed(type, corpus, { vocabSize: n });
    const factory = type === 'bpe' ? bpe : scaffoldBpe;
    const again = factory.fromJSON(through(tokenizer.toJSON()));
    assert.equal(JSON.stringify(again.toJSON()), JSON.stringify(tokenizer.toJSON()));
    assert.equal(again.vocabSize, tokenizer.vocabSize);
    assert.deepEqual(again.encode(PROBE), tokenizer.encode(PROBE));
  }), { numRuns: 40 });
});

test('fromJSON: each factory rejects the other type, naming the right loader', () => {
  // core's ContractError (a LabbenchError): the CLI prints where/what/fix and exits 2
  assert.throws(() => bpe.fromJSON(scaffold.toJSON()), (error: unknown) => error instanceof ContractError && error instanceof LabbenchError
    && error.exitCode === 2 && error.where === 'bpe.fromJSON › type'
    && error.what === "expected a 'bpe' tokenizer, got 'scaffold-bpe'." && error.fix === "Load it with the 'scaffold-bpe' tokenizer's fromJSON instead.");
  assert.throws(() => scaffoldBpe.fromJSON(plain.toJSON()), /scaffold-bpe\.fromJSON › type: expected a 'scaffold-bpe' tokenizer, got 'bpe'/);
  assert.throws(() => bpe.fromJSON({ ...plain.toJSON(), type: 'unigram' }), /unknown tokenizer type "unigram"\.\s+This plugin reads bpe and scaffold-bpe\./);
});

test('fromJSON: rejects another format version', () => {
  assert.throws(() => bpe.fromJSON({ ...plain.toJSON(), version: 2 }),
    /bpe\.fromJSON › version: unsupported format version 2; this build reads version 1\.\s+Retrain the tokenizer/);
});

test('fromJSON: rejects damaged files at the field at fault', () => {
  const json = through(scaffold.toJSON());
  assert.throws(() => scaffoldBpe.fromJSON({ ...json, pretokenizer: { name: 'gpt2-digits', pattern: ' ?\\p{L}+' } }), /› pretokenizer: must name a known pattern/);
  assert.throws(() => scaffoldBpe.fromJSON({ ...json, merges: [[0, 999999]] }), /› merges\[0\]: component 999999 is not a byte or an earlier merge result/);
  assert.throws(() => scaffoldBpe.fromJSON({ ...json, merges: [[97, 256]] }), /› merges\[0\]: component 256 [^]*may not use special tokens/);
  assert.throws(() => scaffoldBpe.fromJSON({ ...json, scaffold: [65] }), /› scaffold\[0\]: id 65 is not a merged token/);
  assert.throws(() => bpe.fromJSON({ ...through(plain.toJSON()), scaffold: [300] }), /a plain BPE tokenizer has no scaffold tokens/);
  assert.throws(() => bpe.fromJSON(null as never), /expected a tokenizer JSON object, got null/);
  assert.throws(() => tokenizerFromJSON({ ...json, ids: [1, 2, 3] }), /› ids: has 3 entries for \d+ tokens/);
});

test('toJSON: the returned file is frozen, so a caller cannot change a trained tokenizer', () => {
  const json = plain.toJSON();
  assert.ok(Object.isFrozen(json) && Object.isFrozen(json.merges) && Object.isFrozen((json.merges as unknown[])[0]));
});
