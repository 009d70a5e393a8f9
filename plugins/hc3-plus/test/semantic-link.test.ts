import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initBackend, DecoderLM, decoderDefaults } from '@labbench/tensor';
import { buildCorpus, type Sample } from '../src/corpus.js';
import { DECODINGS, transformerLM, type TokenLM } from '../src/lm.js';
import { KneserNeyTrigram } from '../src/ngram.js';
import { copiedShare, semanticLink, sharedContentWords, wordTokens } from '../src/semantic-link.js';
import { substituteWords } from '../src/detectors/perturb.js';
import { B_TASKS } from '../src/tasks.js';
import { CORPUS, tinyPrompts, tinyTokenizer } from './fixtures.js';

const tokenizer = tinyTokenizer();
const T = 48;
const encode = (text: string) => tokenizer.encode(text);

test('copiedShare: for any token lists, the share is in [0, 1], 1 for a copy of 5+ tokens, 0 against an empty source', () => {
  const ids = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 30 });
  fc.assert(fc.property(ids, ids, (a, b) => {
    const share = copiedShare(a, b);
    return share >= 0 && share <= 1 && (a.length < 5 || copiedShare(a, a) === 1) && copiedShare(a, []) === 0;
  }), { numRuns: 300 });
  assert.equal(copiedShare([1, 2, 3, 4, 5, 9, 9], [0, 1, 2, 3, 4, 5, 0]), 5 / 7);
  assert.equal(copiedShare([1, 2, 3, 4, 9, 9], [1, 2, 3, 4, 5]), 0, 'a 4-token span is not a copy');
});

test('sharedContentWords: counts distinct content words, not stopwords or case', () => {
  assert.equal(sharedContentWords('The Budget and the budget, approved.', 'the budget was APPROVED by the council'), 2);
  assert.equal(sharedContentWords('the of and', 'the of and'), 0);
});

// Every generator kind: n-gram models from two halves of the corpus and an untrained transformer.
async function generators(): Promise<Map<string, TokenLM>> {
  await initBackend('cpu');
  const model = new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 1, heads: 2, ffnHidden: 32, seqLen: T }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed: 3 });
  return new Map<string, TokenLM>([
    ['ngram', new KneserNeyTrigram('ngram', tokenizer.vocabSize, CORPUS.map(encode), tokenizer.eosId)],
    ['lm-a', transformerLM('lm-a', model, tokenizer, T)],
    ['lm-b', new KneserNeyTrigram('lm-b', tokenizer.vocabSize, CORPUS.slice(0, 20).map(encode), tokenizer.eosId)],
  ]);
}

let built: Sample[] | undefined;
async function corpus(): Promise<Sample[]> {
  built ??= buildCorpus(tinyPrompts(24), tokenizer, { seed: 5, generators: await generators(), heldOutGenerator: 'lm-b', heldOutDecoding: 'topp0.9', maxTokens: T });
  return built;
}

test('B tasks: at most 20% of the machine words lie in spans of 5+ words copied verbatim from the human passage', async () => {
  const samples = await corpus();
  for (const task of B_TASKS) {
    const link = semanticLink(samples, task, encode, 1);
    assert.ok(link.texts >= 30, `${task}: ${link.texts} machine texts`);
    assert.ok(link.copiedShare <= 0.2, `${task}: ${(100 * link.copiedShare).toFixed(1)}% of machine words copied in 5+ word spans`);
    // in tokens too, where (as here) the tokenizer knows the words: a plan word is one token
    assert.ok(link.copiedShareTokens <= 0.2, `${task}: ${(100 * link.copiedShareTokens).toFixed(1)}% of machine tokens copied in 5+ token spans`);
    // the machine writes every word: no text is mostly the human one
    for (const s of samples.filter((x) => x.task === task && x.label === 1)) assert.ok(copiedShare(wordTokens(s.text), wordTokens(s.passage)) <= 0.5, s.text);
  }
});

test('B tasks: every machine text shares more content words with its own human text than with another document\'s', async () => {
  const samples = await corpus();
  for (const task of B_TASKS) {
    const link = semanticLink(samples, task, encode, 2);
    assert.equal(link.ownOverlapWins, 1, `${task}: own ${link.meanOwnOverlap.toFixed(2)} vs other ${link.meanOtherOverlap.toFixed(2)} content words`);
  }
});

test('the copy check flags the old construction: word substitution in the human text (old B2) copies far more than 20%', () => {
  const lm = new KneserNeyTrigram('ngram', tokenizer.vocabSize, CORPUS.map(encode), tokenizer.eosId);
  const prompts = tinyPrompts(12);
  const old = prompts.map((p, i) => substituteWords(lm, tokenizer, { prompt: p.prompt, text: p.human.trim(), seed: i }, DECODINGS[2], 0.3, 'B2'));
  const words = old.reduce((n, t) => n + wordTokens(t).length, 0);
  const copied = old.reduce((n, t, i) => n + copiedShare(wordTokens(t), wordTokens(prompts[i].human)) * wordTokens(t).length, 0);
  assert.ok(copied / words > 0.2, `old B2 copies ${(100 * copied / words).toFixed(1)}%`);
});
