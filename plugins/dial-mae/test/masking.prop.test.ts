import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { maskTarget, wholeWordMask, wholeWords } from '../src/masking.js';
import { withSpecials } from '../src/pairs.js';
import { encoderVocab, fakeTable } from './helpers.js';

const V = 24;
const vocab = encoderVocab(V);

/** Token lists with end-of-text (0) sprinkled in, wrapped as [CLS] tokens [SEP] [PAD]..., random word joins. */
const sequences = fc.record({
  tokens: fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: 0, maxLength: 40 }),
  extra: fc.integer({ min: 2, max: 8 }),
  joins: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: V, maxLength: V }),
  rate: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

test('wholeWordMask: for any sequence and rate, at most max(1, round(n * rate)) positions are masked, whole words only, never specials or padding', () => {
  fc.assert(fc.property(sequences, ({ tokens, extra, joins, rate, seed }) => {
    const table = fakeTable(V, joins);
    const ids = withSpecials(tokens, tokens.length + extra, vocab, 'right');
    const out = wholeWordMask(ids, rate, vocab, table, new Rng(seed));
    const maskable = tokens.filter((t) => t !== 0).length;
    assert.equal(out.target, maskTarget(maskable, rate));
    assert.ok(out.masked <= out.target, `masked ${out.masked} > target ${out.target}`);
    assert.equal(out.masked, [...out.labels].filter((l) => l >= 0).length);
    for (let i = 0; i < ids.length; i++) {
      const special = ids[i] >= V || ids[i] === 0;
      if (special) {
        assert.equal(out.labels[i], -1);
        assert.equal(out.input[i], ids[i]);
      } else if (out.labels[i] >= 0) assert.equal(out.labels[i], ids[i]);
      else assert.equal(out.input[i], ids[i]);
    }
    for (const word of wholeWords(ids, vocab, table)) {
      const labelled = word.filter((i) => out.labels[i] >= 0).length;
      assert.ok(labelled === 0 || labelled === word.length, 'a word was split by the mask');
    }
  }), { numRuns: 200 });
});

test('wholeWordMask: for any sequence of one-token words, exactly max(1, round(n * rate)) positions are masked', () => {
  fc.assert(fc.property(sequences, ({ tokens, extra, rate, seed }) => {
    const table = fakeTable(V, []); // nothing joins: every token is its own word
    const ids = withSpecials(tokens, tokens.length + extra, vocab, 'left');
    const out = wholeWordMask(ids, rate, vocab, table, new Rng(seed));
    assert.equal(out.masked, maskTarget(tokens.filter((t) => t !== 0).length, rate));
  }), { numRuns: 200 });
});

test('wholeWordMask: over many draws the masked positions split 80/10/10 into [MASK] / random / unchanged within binomial tolerance', () => {
  const table = fakeTable(V, []);
  const rng = new Rng(7);
  const tokens = Array.from({ length: 60 }, (_, i) => 1 + (i % (V - 1)));
  const ids = withSpecials(tokens, 62, vocab, 'right');
  let total = 0;
  let mask = 0;
  let unchanged = 0;
  for (let draw = 0; draw < 400; draw++) {
    const out = wholeWordMask(ids, 0.3, vocab, table, rng);
    for (let i = 0; i < ids.length; i++) {
      if (out.labels[i] < 0) continue;
      total++;
      if (out.input[i] === vocab.mask) mask++;
      else if (out.input[i] === ids[i]) unchanged++; // a random draw of the same id also lands here (p = 1/V)
    }
  }
  const within = (count: number, p: number) => Math.abs(count / total - p) <= 4 * Math.sqrt((p * (1 - p)) / total);
  assert.ok(within(mask, 0.8), `[MASK] share ${mask / total}`);
  assert.ok(within(unchanged, 0.1 + 0.1 / V), `unchanged share ${unchanged / total}`);
  assert.ok(within(total - mask - unchanged, 0.1 - 0.1 / V), `random share ${(total - mask - unchanged) / total}`);
});
