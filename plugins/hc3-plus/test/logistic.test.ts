import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auroc, Rng } from '@labbench/core';
import { fitDense } from '../src/detectors/logistic.js';
import { fitCharTfidf } from '../src/detectors/char-ngrams.js';
import { gltrHistogram } from '../src/detectors/zero-shot.js';

test('fitDense: separates two Gaussian clouds and keeps finite weights on separable data', () => {
  const rng = new Rng(3);
  const rows: number[][] = [];
  const labels: (0 | 1)[] = [];
  for (let i = 0; i < 80; i++) { const y = (i % 2) as 0 | 1; rows.push([y * 3 + rng.float(), rng.float()]); labels.push(y); }
  const score = fitDense(rows, labels);
  const scores = rows.map(score);
  assert.equal(auroc(scores, labels), 1);
  assert.ok(scores.every(Number.isFinite));
});

test('fitCharTfidf: learns a character pattern that tells the classes apart', () => {
  const texts = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `plain words number ${i}` : `zzqx words number ${i}`));
  const labels = texts.map((_, i) => (i % 2) as 0 | 1);
  const score = fitCharTfidf(texts, labels);
  assert.ok(score('zzqx other text') > score('plain other text'));
});

test('gltrHistogram: shares sum to 1 and follow the rank buckets', () => {
  const h = gltrHistogram(Int32Array.from([1, 2, 5, 50, 500]));
  assert.deepEqual(h, [0.2, 0.2, 0.2, 0.2, 0.2]);
});
