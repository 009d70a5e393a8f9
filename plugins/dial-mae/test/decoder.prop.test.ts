import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { initBackend, localName, tf } from '@labbench/tensor';
import { DialMaeModel } from '../src/model.js';
import { resolveConfig } from '../src/config.js';
import { splitWindow, withSpecials } from '../src/pairs.js';
import { encoderVocab, fakeTable, tinyConfig } from './helpers.js';

const V = 30;
const SEQ = 16;
const build = (objective: 'dial-mae' | 'infonce' | 'mlm', seed = 3) => new DialMaeModel(resolveConfig({ ...tinyConfig, objective }), { vocabSize: V, seqLen: SEQ, seed });

test('decoderInput: for any masked response, position 0 is exactly the context vector h_c and the rest are the shared embeddings', async () => {
  await initBackend('cpu');
  const model = build('dial-mae');
  const vocab = encoderVocab(V);
  const input = fc.record({
    context: fc.array(fc.array(fc.integer({ min: 1, max: V - 1 }), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }),
    responseLength: fc.integer({ min: 2, max: SEQ }),
  });
  fc.assert(fc.property(input, ({ context, responseLength }) => {
    tf.tidy(() => {
      const b = context.length;
      const ids = tf.tensor2d(context.map((c) => [...withSpecials(c, SEQ, vocab, 'left')]), [b, SEQ], 'int32');
      const keep = tf.cast(tf.notEqual(ids, vocab.pad), 'float32') as tf.Tensor2D;
      const h = model.encoder.encode(ids, keep, false); // [B, SEQ, D]
      const response = tf.tensor2d(Array.from({ length: b }, (_, r) => Array.from({ length: responseLength }, (_, i) => (i === 0 ? vocab.cls : i % 3 === 0 ? vocab.mask : (r + i) % V))), [b, responseLength], 'int32');
      const x = model.decoderInput(h, response); // [B, Lr, D]
      assert.deepEqual(x.shape, [b, responseLength, tinyConfig.dModel]);
      const hc = tf.slice(h, [0, 0, 0], [b, 1, tinyConfig.dModel]).arraySync();
      assert.deepEqual(tf.slice(x, [0, 0, 0], [b, 1, tinyConfig.dModel]).arraySync(), hc);
      const embedded = model.encoder.embed(response);
      assert.deepEqual(tf.slice(x, [0, 1, 0], [b, responseLength - 1, tinyConfig.dModel]).arraySync(), tf.slice(embedded, [0, 1, 0], [b, responseLength - 1, tinyConfig.dModel]).arraySync());
    });
  }), { numRuns: 15 });
  model.dispose();
});

test('dial-mae: the decoder loss alone gives every encoder layer a non-zero gradient (h_c is not detached)', async () => {
  await initBackend('cpu');
  const model = build('dial-mae');
  const table = fakeTable(V, []);
  const row = Int32Array.from({ length: SEQ }, (_, i) => 1 + ((i * 7) % (V - 1)));
  const pairs = [splitWindow(row, table, 6, 3), splitWindow(row.slice().reverse(), table, 6, 3)];
  const encoderVars = model.variables.filter((v) => /^layer\d+\./.test(localName(v)));
  assert.ok(encoderVars.length > 0);
  const { grads } = tf.variableGrads(() => model.dialMaeLosses(pairs, SEQ, table, new Rng(1), true).decoderLoss, encoderVars);
  for (const v of encoderVars) {
    const norm = tf.tidy(() => tf.norm(grads[v.name]).dataSync()[0]);
    assert.ok(norm > 0, `zero gradient of the decoder loss w.r.t. ${localName(v)}`);
  }
  tf.dispose(grads);
  model.dispose();
});

test('withSpecials: for any tokens, left truncation keeps the last tokens and right truncation the first, inside [CLS] ... [SEP]', () => {
  const vocab = encoderVocab(V);
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: V - 1 }), { maxLength: 40 }), fc.integer({ min: 2, max: 20 }), (tokens, length) => {
    const keep = Math.min(tokens.length, length - 2);
    const left = withSpecials(tokens, length, vocab, 'left');
    const right = withSpecials(tokens, length, vocab, 'right');
    for (const [seq, expected] of [[left, tokens.slice(tokens.length - keep)], [right, tokens.slice(0, keep)]] as const) {
      assert.equal(seq.length, length);
      assert.equal(seq[0], vocab.cls);
      assert.deepEqual([...seq.slice(1, 1 + keep)], expected);
      assert.equal(seq[1 + keep], vocab.sep);
      assert.ok([...seq.slice(2 + keep)].every((x) => x === vocab.pad));
    }
  }), { numRuns: 200 });
});

test('splitWindow: for any window, context + response are consecutive text of the window and the response starts after a line break when one is near', () => {
  const NL = 5;
  const table = fakeTable(V, [], [NL]);
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: V - 1 }), { minLength: 12, maxLength: 40 }), fc.integer({ min: 2, max: 16 }), (tokens, r) => {
    const row = Int32Array.from(tokens);
    const { context, response } = splitWindow(row, table, r, 3);
    assert.ok(context.length >= 1 && response.length >= 1);
    // no end-of-text in these windows, so the context is the window's start and the response follows it
    assert.deepEqual([...context], tokens.slice(0, context.length));
    assert.deepEqual([...response], tokens.slice(context.length, context.length + response.length));
    const breakNear = tokens.some((t, i) => t === NL && i + 1 >= 3 && i + 1 <= tokens.length - 3);
    if (breakNear) assert.equal(tokens[context.length - 1], NL);
  }), { numRuns: 200 });
});
