/** The plugin object, its manifest, the study and the CLI-facing functions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveArm } from '../src/core.js';
import { claimGates } from '@labbench/core';
import plugin, { benchTokenizer, decodeIds, encodeText, exportHuggingFace, loadTokenizer, scaffoldBpeStudy, trainTokenizer } from '../src/index.js';
import { CORPUS, PROBE } from './helpers/corpus.js';

test('plugin: default export registers both tokenizers, the evaluator and the study; ids match package.json', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(plugin.id, manifest.labbench.id);
  assert.deepEqual(plugin.tokenizers?.map((t) => t.id), ['bpe', 'scaffold-bpe', 'hf-json']);
  assert.deepEqual(plugin.evaluators?.map((e) => e.id), ['tokenizer-metrics']);
  assert.deepEqual(plugin.studies?.map((s) => s.id), ['scaffold-bpe']);
  assert.deepEqual(manifest.labbench.kinds, ['tokenizer', 'evaluator', 'study']);
});

test('study scaffold-bpe: tokenizer-only arms for bpe and scaffold-bpe at N = 1K, 2K, 4K, 8K, plus one LM arm per tokenizer at 2K', () => {
  const arms = Object.keys(scaffoldBpeStudy.arms);
  assert.equal(arms.length, 10);
  for (const arm of arms) {
    const spec = resolveArm(scaffoldBpeStudy, arm);
    assert.equal(spec.model, arm.startsWith('lm-') ? 'dense' : 'none');
    assert.equal(spec.loss, 'cross-entropy');
    assert.ok(['bpe', 'scaffold-bpe'].includes(spec.tokenizer));
    assert.ok([1024, 2048, 4096, 8192].includes(spec.tokenizerConfig?.vocabSize as number));
  }
  assert.deepEqual(scaffoldBpeStudy.evaluators, ['tokenizer-metrics', 'perplexity', 'ppl-by-frequency']);
});

test('study scaffold-bpe: every tokenizer trains on Brown, as the study says (v2 trained them on the default mixture)', () => {
  for (const arm of Object.keys(scaffoldBpeStudy.arms)) {
    const spec = resolveArm(scaffoldBpeStudy, arm);
    assert.equal(spec.tokenizerMixture, 'brown', arm);
    assert.equal(spec.mixture, 'brown', arm);
  }
});

test('study scaffold-bpe: one headline claim, no claim duplicating another metric of the same comparison, every claim with the paper figure and existing gates', () => {
  const claims = scaffoldBpeStudy.claims ?? [];
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  // redundancy = 1 - entropy / log2 |V| at equal |V|: a claim on it would repeat the entropy claim
  assert.ok(!claims.some((c) => c.metric.endsWith('.redundancy')));
  assert.equal(new Set(claims.map((c) => c.id)).size, claims.length);
  for (const claim of claims) {
    assert.ok(claim.paper.figure.length > 0 && claim.paper.source.length > 0, claim.id);
    // every named gate is the study's own or one of core's defaults (beats-bigram for the LM arms)
    assert.deepEqual(claimGates(scaffoldBpeStudy, claim).unknown, [], claim.id);
    assert.ok((claim.gates ?? []).length > 0, claim.id);
    for (const arm of [claim.method, claim.baseline]) assert.ok(arm in scaffoldBpeStudy.arms, `${claim.id}: arm ${arm}`);
  }
  assert.equal(claims.find((c) => c.metric.endsWith('bytes_per_token'))?.scale, 'log');
});

test('api: trainTokenizer / encodeText / decodeIds work on tokenizers, our JSON text and Hugging Face JSON text', () => {
  const tokenizer = trainTokenizer({ algo: 'scaffold-bpe', vocabSize: 350, texts: CORPUS });
  const ids = encodeText(tokenizer, PROBE);
  for (const source of [tokenizer, JSON.stringify(tokenizer.toJSON()), exportHuggingFace(tokenizer)]) {
    assert.deepEqual(encodeText(source, PROBE), ids);
    assert.equal(decodeIds(source, ids), PROBE);
    assert.equal(loadTokenizer(source).vocabSize, 350);
  }
  assert.throws(() => trainTokenizer({ algo: 'wordpiece' as never, vocabSize: 300, texts: [] }), /trainTokenizer › algo: unknown algorithm "wordpiece"/);
});

test('benchTokenizer: trains ours and Hugging Face on one corpus and reports times at the vocabulary HF reached (no timing asserted)', async () => {
  const result = await benchTokenizer({ texts: CORPUS });
  assert.deepEqual(result.ours.map((o) => o.algo), ['bpe', 'scaffold-bpe']);
  assert.ok(result.huggingFace.vocabSize > 0);
  for (const o of result.ours) {
    assert.ok(o.trainSeconds > 0 && o.encodeMBps > 0);
    assert.ok(o.vocabSize <= Math.max(result.huggingFace.vocabSize, 257));
  }
  assert.equal(result.ratio, result.ours[0].trainSeconds / result.huggingFace.trainSeconds);
  // encode: the same tokenizer in both, so identical ids; throughputs and their ratio reported
  const e = result.encode;
  assert.equal(e.identicalIds, true);
  assert.ok(e.tokens > 0);
  for (const speed of [e.ours, e.huggingFace]) assert.ok(speed.coldBytesPerSecond > 0 && speed.warmBytesPerSecond > 0);
  assert.ok(Math.abs(e.coldRatio / (e.ours.coldBytesPerSecond / e.huggingFace.coldBytesPerSecond) - 1) < 1e-12);
  assert.equal(e.huggingFace.method, 'encodeBatch');
});
