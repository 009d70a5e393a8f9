import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { matchLengths, splitOfDocument } from '../src/corpus.js';
import { normalForm } from '../src/normal-form.js';
import { chooseSpans, matchCase } from '../src/tasks.js';
import { KneserNeyTrigram } from '../src/ngram.js';

const words = fc.array(fc.stringMatching(/^[A-Za-z,.']{1,9}$/), { minLength: 1, maxLength: 40 }).map((w) => w.join(' '));

test('normalForm: for any string, it is idempotent and has no double, leading or trailing spaces', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
    const n = normalForm(s);
    return normalForm(n) === n && !/\s\s|^\s|\s$|[\t\n\r]/u.test(n);
  }), { numRuns: 300 });
});

test('splitOfDocument: for any document, the split is a pure function of (source, docId)', () => {
  fc.assert(fc.property(fc.string(), fc.string(), (source, doc) => splitOfDocument(source, doc) === splitOfDocument(source, doc)), { numRuns: 100 });
});

test('matchLengths: for any pair of texts, both stay word prefixes and differ by less than the longest word', () => {
  fc.assert(fc.property(words, words, (a, b) => {
    const m = matchLengths(a, b);
    const longest = Math.max(...`${a} ${b}`.split(' ').map((w) => w.length)) + 1;
    return a.startsWith(m.human) && b.startsWith(m.machine) && Math.abs(m.human.length - m.machine.length) <= longest;
  }), { numRuns: 200 });
});

test('chooseSpans: for any length and fraction, spans are ordered, disjoint, skip word 0 and stay in range', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 80 }), fc.double({ min: 0.15, max: 0.3, noNaN: true }), fc.integer(), (n, f, seed) => {
    const spans = chooseSpans(n, f, new Rng(seed));
    if (n < 4) return spans.length === 0;
    return spans.length >= 1 && spans.length <= 3 && spans.every((s, i) => s.start >= 1 && s.end <= n && s.start < s.end && (i === 0 || spans[i - 1].end < s.start));
  }), { numRuns: 200 });
});

test('matchCase: keeps initial capitals and all caps', () => {
  assert.equal(matchCase('house', 'Home'), 'House');
  assert.equal(matchCase('house', 'HOME'), 'HOUSE');
  assert.equal(matchCase('House', 'home'), 'house');
});

test('KneserNeyTrigram: for any training streams and context, next-token probabilities sum to 1', () => {
  const stream = fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 40 }).map((a) => Int32Array.from(a));
  fc.assert(fc.property(fc.array(stream, { maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 3 }), (docs, context) => {
    const lm = new KneserNeyTrigram('ngram', 12, docs, 11);
    const [lp] = lm.nextLogProbs([Int32Array.from(context)]);
    const total = lp.reduce((a, x) => a + Math.exp(x), 0);
    return Math.abs(total - 1) < 1e-4 && lp.every((x) => Number.isFinite(x));
  }), { numRuns: 100 });
});
