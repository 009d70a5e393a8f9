/** The training recipe the sweep chose (docs/recipe.md): the embedding's input scale and what weight decay touches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AdamW, DecoderLM, decoderDefaults, initBackend, localName, rmsNorm, tf } from '../src/index.js';

const build = (embeddingScale: 'sqrt-d' | 'none', untied = false) =>
  new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 1, heads: 2, ffnHidden: 8, seqLen: 8, embeddingScale, tiedEmbeddings: !untied }, { vocabSize: 12, seqLen: 8, seed: 3 });

test('decoder: for any ids, the first block reads rmsNorm(s E[id] + P[t]) with s = sqrt(D) by default and s = 1 for `none`', async () => {
  await initBackend('cpu');
  const models = { 'sqrt-d': build('sqrt-d'), none: build('none') };
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 11 }), { minLength: 1, maxLength: 8 }), (ids) => {
    const seen: Record<string, number[]> = {};
    for (const [name, model] of Object.entries(models)) {
      const scale = name === 'sqrt-d' ? Math.sqrt(16) : 1;
      tf.tidy(() => {
        const x = tf.tensor2d([ids], [1, ids.length], 'int32');
        const got = model.run(x, { training: false }).shared.get('attn.input.0')!.dataSync();
        const P = tf.slice(model.positionEmbedding, [0, 0], [ids.length, 16]);
        const expected = rmsNorm(tf.add(tf.mul(tf.gather(model.tokenEmbedding, ids), scale), P), model.layers[0].attnNorm).dataSync();
        got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `${name}: ${v} vs ${expected[i]} at ${i}`));
        seen[name] = Array.from(got);
      });
    }
    // the scale is not a no-op: the two inputs differ (both models have the same weights)
    assert.ok(seen['sqrt-d'].some((v, i) => Math.abs(v - seen.none[i]) > 1e-3));
  }), { numRuns: 20 });
  for (const m of Object.values(models)) m.dispose();
});

test('AdamW: weight decay shrinks weight matrices, never embedding tables, norm gains or vectors', async () => {
  await initBackend('cpu');
  const model = build('sqrt-d', true); // untied: an unembedding table too
  const before = model.variables.map((v) => Float32Array.from(v.dataSync()));
  const optimizer = new AdamW(model.variables, { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.5, clipNorm: 0 });
  const zeros = model.variables.map((v) => tf.zerosLike(v)); // no gradient: only the decay moves weights
  optimizer.step(zeros, 0.1);
  const embeddings = new Set(['tokenEmbedding', 'positionEmbedding', 'unembedding']);
  let decayed = 0;
  model.variables.forEach((v, i) => {
    const after = v.dataSync();
    const factor = v.rank >= 2 && !embeddings.has(localName(v)) ? 1 - 0.1 * 0.5 : 1;
    if (factor !== 1) decayed++;
    after.forEach((x, j) => assert.ok(Math.abs(x - before[i][j] * factor) < 1e-6, `${localName(v)}[${j}]: ${x} vs ${before[i][j] * factor}`));
  });
  assert.ok(decayed >= 4, `expected the attention and FFN matrices to decay, got ${decayed}`);
  tf.dispose(zeros);
  optimizer.dispose();
  model.dispose();
});

test('AdamW: a `decays` rule replaces the default (decay everything of rank 2, as nanoGPT does)', async () => {
  await initBackend('cpu');
  const model = build('sqrt-d');
  const token = Float32Array.from(model.tokenEmbedding.dataSync());
  const optimizer = new AdamW(model.variables, { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.5, clipNorm: 0, decays: (v) => v.rank >= 2 });
  const zeros = model.variables.map((v) => tf.zerosLike(v));
  optimizer.step(zeros, 0.1);
  model.tokenEmbedding.dataSync().forEach((x, j) => assert.ok(Math.abs(x - token[j] * 0.95) < 1e-6));
  tf.dispose(zeros);
  optimizer.dispose();
  model.dispose();
});
