/** The MiLe study (v2) and the bucket-size evaluator behind its gates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { claimGates, frequencyBuckets, resolveArm, type EvalContext, type EvalDocument, type TrainedTokenizer } from '@labbench/core';
import { frequencyBucketSizes } from '../src/bucket-sizes.js';
import { infoentropy } from '../src/studies.js';

test('study infoentropy: every arm uses a 4096-token vocabulary (spec 6.2: 4K-8K; v1 took the profile\'s 384-1024)', () => {
  for (const arm of Object.keys(infoentropy.arms)) {
    const vocabSize = resolveArm(infoentropy, arm).tokenizerConfig?.vocabSize as number;
    assert.ok(vocabSize >= 4096 && vocabSize <= 8192, `${arm}: ${vocabSize}`);
    // the MiLe weight's range (1 + ln V) is what the paper's effect relies on
    assert.ok(1 + Math.log(vocabSize) > 9, arm);
  }
});

test('study infoentropy: one headline claim, paper figures, log scale on perplexities, rare-token claims gated on >= 2,000 rare evaluation tokens', () => {
  const claims = infoentropy.claims!;
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  for (const claim of claims) {
    assert.ok(claim.paper.figure && claim.paper.source, claim.id);
    assert.deepEqual(claimGates(infoentropy, claim).unknown, [], claim.id);
    if (claim.metric.endsWith('token_ppl')) assert.equal(claim.scale, 'log', claim.id);
  }
  const rare = claimGates(infoentropy, claims.find((c) => c.id === 'rare-ppl')!).gates.find((g) => g.metric === 'id.freq_low.eval_tokens');
  assert.ok(rare && rare.kind === 'bound' && rare.atLeast! >= 2000);
  // both frequency evaluators get the same bucket options, so the gate counts the buckets that are scored
  const options = infoentropy.evaluators.filter((e) => typeof e !== 'string').map((e) => (e as { options?: unknown }).options);
  assert.equal(options.length, 2);
  assert.deepEqual(options[0], options[1]);
});

/** A character-level tokenizer over 'a'..'h' (enough to count buckets). */
const tokenizer = { vocabSize: 8, eosId: 0, encode: (text: string) => Int32Array.from([...text].map((c) => c.charCodeAt(0) - 97).filter((i) => i >= 0 && i < 8)) } as unknown as TrainedTokenizer;
const context = (inDomain: EvalDocument[], outOfDomain: EvalDocument[]): EvalContext => ({
  seed: 0, limits: { documents: 100, items: 100, maxChars: 1e6 }, options: { shares: [0.8, 0.15, 0.05] }, log: () => {},
  data: { inDomain: async () => inDomain, outOfDomain: async () => outOfDomain, set: async () => [] },
});

test('frequency-bucket-sizes: for any training counts and texts, bucket sizes partition the evaluation tokens and match frequencyBuckets', async () => {
  const text = fc.stringMatching(/^[a-h]{1,60}$/);
  await fc.assert(fc.asyncProperty(fc.array(fc.nat(50), { minLength: 8, maxLength: 8 }), fc.array(text, { minLength: 1, maxLength: 5 }), text, async (counts, ids, ood) => {
    const docs = ids.map((t, i) => ({ source: 'brown', id: String(i), text: t }));
    const records = await frequencyBucketSizes.evaluate({ tokenizer, tokenCounts: Float64Array.from(counts) }, context(docs, [{ source: 'wordnet', id: 'x', text: ood }]));
    const get = (m: string) => records.find((r) => r.metric === m)!.value;
    const total = ids.join('').length;
    assert.equal(get('id.freq_high.eval_tokens') + get('id.freq_medium.eval_tokens') + get('id.freq_low.eval_tokens'), total);
    assert.equal(get('ood.freq_high.eval_tokens') + get('ood.freq_medium.eval_tokens') + get('ood.freq_low.eval_tokens'), ood.length);
    const mass = new Float64Array(8);
    for (const c of ids.join('')) mass[c.charCodeAt(0) - 97]++;
    const buckets = frequencyBuckets(counts, [0.8, 0.15, 0.05], mass);
    const low = [...ids.join('')].filter((c) => buckets[c.charCodeAt(0) - 97] === 2).length;
    assert.equal(get('id.freq_low.eval_tokens'), low);
  }), { numRuns: 50 });
});

test('frequency-bucket-sizes: tokenizer-only cells (no training counts) give no records', async () => {
  assert.deepEqual(await frequencyBucketSizes.evaluate({ tokenizer }, context([], [])), []);
});
