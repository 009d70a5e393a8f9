import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auroc } from '@labbench/core';
import { allInNormalForm, buildCorpus, type Sample } from '../src/corpus.js';
import type { TokenLM } from '../src/lm.js';
import { KneserNeyTrigram } from '../src/ngram.js';
import { normalForm } from '../src/normal-form.js';
import { TASKS } from '../src/tasks.js';
import { CORPUS, tinyPrompts, tinyTokenizer } from './fixtures.js';

const tokenizer = tinyTokenizer();
const T = 32;
// n-gram stand-ins for all three generators keep this test fast (transformerLM is tested in lm.test.ts)
const generators = new Map<string, TokenLM>([
  ['ngram', new KneserNeyTrigram('ngram', tokenizer.vocabSize, CORPUS.map((t) => tokenizer.encode(t)), tokenizer.eosId)],
  ['lm-a', new KneserNeyTrigram('lm-a', tokenizer.vocabSize, CORPUS.slice(20).map((t) => tokenizer.encode(t)), tokenizer.eosId)],
  ['lm-b', new KneserNeyTrigram('lm-b', tokenizer.vocabSize, CORPUS.slice(0, 10).map((t) => tokenizer.encode(t)), tokenizer.eosId)],
]);
const options = { seed: 7, generators, heldOutGenerator: 'lm-b', heldOutDecoding: 'topp0.9', maxTokens: T };
const samples: Sample[] = buildCorpus(tinyPrompts(30), tokenizer, options);

test('buildCorpus: builds all three tasks with balanced labels', () => {
  for (const task of TASKS) {
    const of = samples.filter((s) => s.task === task);
    assert.ok(of.length >= 40, `task ${task}: ${of.length} samples`);
    for (const split of ['train', 'valid', 'test'] as const) {
      const inSplit = of.filter((s) => s.split === split);
      assert.equal(inSplit.filter((s) => s.label === 1).length * 2, inSplit.length, `${task}/${split} is balanced`);
    }
  }
});

test('buildCorpus: every stored text is already in normal form', () => {
  assert.ok(allInNormalForm(samples));
  for (const s of samples) assert.equal(normalForm(s.text), s.text);
});

test('buildCorpus: no source document is in two splits', () => {
  const splits = new Map<string, Set<string>>();
  for (const s of samples) splits.set(s.docId, (splits.get(s.docId) ?? new Set()).add(s.split));
  assert.ok([...splits.values()].every((x) => x.size === 1));
  assert.ok(new Set(samples.map((s) => s.split)).size === 3);
});

test('buildCorpus: the held-out generator and decoding appear only in the test split', () => {
  for (const s of samples.filter((x) => x.split !== 'test')) {
    assert.notEqual(s.generator, 'lm-b');
    assert.notEqual(s.decoding, 'topp0.9');
  }
  const test = samples.filter((s) => s.split === 'test');
  assert.ok(test.some((s) => s.generator === 'lm-b') && test.some((s) => s.decoding === 'topp0.9'));
});

test('buildCorpus: no duplicate texts within a task, and every sample records generator, decoding and seed', () => {
  for (const task of TASKS) {
    const texts = samples.filter((s) => s.task === task).map((s) => s.text);
    assert.equal(new Set(texts).size, texts.length);
  }
  for (const s of samples) assert.ok(s.generator && s.decoding && Number.isInteger(s.seed));
});

test('leakage: a detector that sees only the length in characters scores AUROC 0.5 +/- 0.05 on the length-matched pairs', () => {
  for (const task of TASKS) {
    const of = samples.filter((s) => s.task === task);
    const value = auroc(of.map((s) => s.text.length), of.map((s) => s.label));
    assert.ok(Math.abs(value - 0.5) <= 0.05, `task ${task}: length-only AUROC ${value}`);
  }
});

test('buildCorpus: the same seed gives the same corpus', () => {
  assert.deepEqual(buildCorpus(tinyPrompts(6), tokenizer, options), buildCorpus(tinyPrompts(6), tokenizer, options));
});
