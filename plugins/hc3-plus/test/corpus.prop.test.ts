import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '@labbench/core';
import { matchLengths, splitOfDocument } from '../src/corpus.js';
import { normalForm } from '../src/normal-form.js';
import { leadOf, matchCase, paraphrasePlan, summaryPlan } from '../src/tasks.js';
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

test('leadOf: for any passage, the lead is a word prefix of 35-65% of its words (a sentence end when there is one in range)', () => {
  fc.assert(fc.property(words, (text) => {
    const passage = normalForm(text);
    const all = passage.split(' ');
    const lead = leadOf(passage).split(' ');
    assert.deepEqual(lead, all.slice(0, lead.length));
    if (all.length >= 4) assert.ok(lead.length >= Math.floor(0.35 * all.length) && lead.length <= Math.ceil(0.65 * all.length), `${lead.length} of ${all.length}`);
  }), { numRuns: 200 });
});

test('summaryPlan: for any passage and size, distinct content words of the passage in passage order, the most repeated kept', () => {
  fc.assert(fc.property(words, fc.integer({ min: 0, max: 12 }), (text, size) => {
    const passage = normalForm(text);
    const all = paraphrasePlan(passage);
    const plan = summaryPlan(passage, size);
    assert.ok(plan.length === Math.min(size, new Set(all.map((w) => w.toLowerCase())).size));
    assert.equal(new Set(plan.map((w) => w.toLowerCase())).size, plan.length);
    const firstAt = (w: string) => all.findIndex((x) => x.toLowerCase() === w.toLowerCase());
    assert.ok(plan.every((w, i) => firstAt(w) >= 0 && (i === 0 || firstAt(plan[i - 1]) < firstAt(w))));
    const count = (w: string) => all.filter((x) => x.toLowerCase() === w.toLowerCase()).length;
    const left = all.filter((w) => !plan.some((p) => p.toLowerCase() === w.toLowerCase()));
    // the ranking rule: a kept word is more frequent than every dropped one, or as frequent and earlier
    assert.ok(left.every((w) => plan.every((p) => count(p) > count(w) || (count(p) === count(w) && firstAt(p) < firstAt(w)))));
  }), { numRuns: 200 });
});

test('summaryPlan: for any passage, with its lead given at least half of the plan (as far as the lead has words) comes from the lead', () => {
  fc.assert(fc.property(words, fc.integer({ min: 1, max: 12 }), (text, size) => {
    const passage = normalForm(text);
    const lead = leadOf(passage);
    const plan = summaryPlan(passage, size, lead);
    const leadWords = new Set(paraphrasePlan(lead).map((w) => w.toLowerCase()));
    const inLead = plan.filter((w) => leadWords.has(w.toLowerCase())).length;
    assert.ok(inLead >= Math.min(Math.ceil(size / 2), leadWords.size), `${inLead} of ${plan.length} from the lead`);
    assert.equal(plan.length, Math.min(size, new Set(paraphrasePlan(passage).map((w) => w.toLowerCase())).size));
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
