import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { boundaryTokens, DECODINGS, wordStartTokens, type TokenLM } from '../src/lm.js';
import { normalForm } from '../src/normal-form.js';
import { planGenerate } from '../src/planned-generation.js';
import { copiedShare, splitPunctuation, wordTokens } from '../src/semantic-link.js';
import { paraphrasePlan } from '../src/tasks.js';
import { tinyPrompts, tinyTokenizer } from './fixtures.js';

const tokenizer = tinyTokenizer();
const V = tokenizer.vocabSize;

/**
 * An adversarial generator: after a prompt of `promptLength` tokens it puts almost all its mass on
 * the source's next token in order (a copier). Without the copy rule it would reproduce the source.
 */
function copier(source: Int32Array, promptLength: number): TokenLM {
  const next = (context: Int32Array): number => source[Math.min(source.length - 1, Math.max(0, context.length - promptLength))];
  return {
    id: 'copier', vocabSize: V,
    nextLogProbs: (contexts) => contexts.map((c) => { const lp = new Float32Array(V).fill(-12); lp[next(c)] = 0; return lp; }),
    sequenceLogProb: (items) => items.map(() => 0),
  };
}

const passages = tinyPrompts(12).map((p) => ({ prompt: normalForm(p.prompt), human: normalForm(p.human) }));

test('planGenerate: for any passage and decoding, even a copying generator writes the plan words in order as whole words, with at most 20% of its words in 5+ word copies', () => {
  fc.assert(fc.property(fc.constantFrom(...passages), fc.constantFrom(...DECODINGS), fc.integer({ min: 0, max: 1e6 }), ({ prompt, human }, decoding, seed) => {
    const source = tokenizer.encode(` ${human}`);
    const plan = paraphrasePlan(human);
    const context = tokenizer.encode(prompt);
    const [ids] = planGenerate(copier(source, context.length), [{
      context, plan: plan.map((w) => tokenizer.encode(` ${w}`)), source,
      targetWords: human.split(' ').length, targetTokens: source.length, seed,
    }], decoding, tokenizer.eosId, wordStartTokens(tokenizer), boundaryTokens(tokenizer));
    const text = normalForm(tokenizer.decode(ids));
    const words = text.split(' ').map((w) => splitPunctuation(w).core);
    let at = 0;
    for (const w of words) if (at < plan.length && w === plan[at]) at++;
    assert.equal(at, plan.length, `plan [${plan.join(' ')}] not all in order in: ${text}`);
    assert.ok(copiedShare(wordTokens(text), wordTokens(human)) <= 0.2, `copied: ${text}`);
  }), { numRuns: 60 });
});

/** A generator that continues the source after the longest tail of its context found there (a copier by content). */
function tailCopier(source: Int32Array): TokenLM {
  const next = (context: Int32Array): number => {
    for (let k = Math.min(4, context.length); k >= 1; k--) {
      const tail = context.subarray(context.length - k);
      for (let i = 0; i + k < source.length; i++) if (tail.every((t, j) => source[i + j] === t)) return source[i + k];
    }
    return source[1];
  };
  return {
    id: 'tail-copier', vocabSize: V,
    nextLogProbs: (contexts) => contexts.map((c) => { const lp = new Float32Array(V).fill(-12); lp[next(c)] = 0; return lp; }),
    sequenceLogProb: (items) => items.map(() => 0),
  };
}

test('planGenerate: for any passage and decoding, a generator that copies the source never writes 5 source tokens in a row of its own', () => {
  fc.assert(fc.property(fc.constantFrom(...passages), fc.constantFrom(...DECODINGS), fc.integer({ min: 0, max: 1e6 }), ({ human }, decoding, seed) => {
    const source = tokenizer.encode(` ${human}`);
    // no plan: every token is the generator's own, so the copy rule alone stands between it and the source
    const [ids] = planGenerate(tailCopier(source), [{ context: new Int32Array(0), plan: [], source, targetWords: 20, targetTokens: 40, seed }],
      decoding, tokenizer.eosId, wordStartTokens(tokenizer), boundaryTokens(tokenizer));
    assert.equal(ids.length, 40);
    assert.equal(copiedShare(ids, source), 0, normalForm(tokenizer.decode(ids)));
  }), { numRuns: 40 });
});
