import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveConfig } from '../src/config.js';
import { pairSequence, splitWindow, withResponseCap } from '../src/pairs.js';
import { encoderVocab } from './helpers.js';

const vocab = encoderVocab(50);

test('pairSequence: for any pair and length, [CLS] context-end [SEP] response-start [SEP] [PAD]... in exactly `length` positions', () => {
  const tokens = fc.array(fc.integer({ min: 0, max: 49 }), { minLength: 1, maxLength: 40 });
  fc.assert(fc.property(tokens, tokens, fc.integer({ min: 5, max: 48 }), (context, response, length) => {
    const seq = [...pairSequence({ context: Int32Array.from(context), response: Int32Array.from(response) }, length, vocab)];
    assert.equal(seq.length, length);
    assert.equal(seq[0], vocab.cls);
    const sep1 = seq.indexOf(vocab.sep);
    const sep2 = seq.indexOf(vocab.sep, sep1 + 1);
    assert.ok(sep1 > 0 && sep2 > sep1, 'two [SEP]');
    const c = seq.slice(1, sep1);
    const r = seq.slice(sep1 + 1, sep2);
    assert.deepEqual(c, context.slice(context.length - c.length), 'the context keeps its end');
    assert.deepEqual(r, response.slice(0, r.length), 'the response keeps its start');
    assert.ok(r.length >= Math.min(response.length, Math.ceil((length - 3) / 2)), 'the response gets at least half the room');
    assert.equal(c.length + r.length, Math.min(length - 3, context.length + response.length), 'no room is wasted');
    assert.ok(seq.slice(sep2 + 1).every((x) => x === vocab.pad));
  }), { numRuns: 200 });
});

test('resolveConfig: a masking rate outside (0, 1] or heads not dividing dModel is refused with the value', () => {
  assert.throws(() => resolveConfig({ decoderMaskRate: 0 }), /decoderMaskRate must be in \(0, 1\], got 0/);
  assert.throws(() => resolveConfig({ dModel: 10, heads: 4 }), /dModel \(10\) must be divisible by heads \(4\)/);
  assert.equal(resolveConfig({ decoderLayers: 2 }).decoderLayers, 2);
});

test('splitWindow: for any window and gap, the response starts `gap` tokens after the context ends (gap capped so both keep minTokens)', () => {
  const table = { startsWordChar: new Uint8Array(50), endsWordChar: new Uint8Array(50), newline: new Uint8Array(50), eosId: 0 };
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 49 }), { minLength: 10, maxLength: 40 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 2, max: 16 }), (tokens, gap, r) => {
    const { context, response } = splitWindow(Int32Array.from(tokens), table, r, 3, gap);
    const skip = Math.max(0, Math.min(gap, tokens.length - 6));
    assert.ok(context.length >= 3 && response.length >= 1);
    assert.deepEqual([...context], tokens.slice(0, context.length));
    assert.deepEqual([...response], tokens.slice(context.length + skip, context.length + skip + response.length));
  }), { numRuns: 200 });
});

test('withResponseCap: the response keeps its first `maxTokens` tokens (all of a shorter one), the context is untouched', () => {
  const tokens = fc.array(fc.integer({ min: 0, max: 49 }), { minLength: 1, maxLength: 60 });
  fc.assert(fc.property(tokens, tokens, fc.integer({ min: 1, max: 40 }), (context, response, maxTokens) => {
    const pair = { context: Int32Array.from(context), response: Int32Array.from(response) };
    const capped = withResponseCap(pair, maxTokens);
    assert.deepEqual([...capped.response], response.slice(0, maxTokens));
    assert.equal(capped.context, pair.context);
    if (response.length <= maxTokens) assert.equal(capped, pair);
  }));
});
