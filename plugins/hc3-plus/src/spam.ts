import type { EvalContext, MetricRecord, Scorer, TrainedTokenizer } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import { aurocOf, bootstrapCi, downsampleCurve, rocCurve, tprAtFpr } from './detection-metrics.js';
import type { ProbeItem } from '@labbench/corpora';
import { cutToTokens, normalForm } from './normal-form.js';
import { fitCharTfidf } from './detectors/char-ngrams.js';
import { fitDense } from './detectors/logistic.js';
import { gltrHistogram } from './detectors/zero-shot.js';
import { ROC_POINTS } from './report.js';

/**
 * The real-label side task: spam (positive) vs ham from `probe-spam`, with the same harness.
 * Fitted on the set's `valid` split, reported on `test` (the set splits by e-mail thread).
 * Ham e-mail is in the training mixture and spam never is, so the a-priori zero-shot score is the
 * negated mean log-likelihood; char TF-IDF + LR and a GLTR/likelihood LR are the trained ones.
 */
export async function spamRecords(scorer: Scorer, tokenizer: TrainedTokenizer, context: EvalContext, resamples: number): Promise<MetricRecord[]> {
  const items = (await context.data.set<ProbeItem>('probe-spam')).filter((x) => x.label === 'spam' || x.label === 'ham');
  const texts = items.map((x) => cutToTokens(tokenizer, normalForm(x.text), scorer.maxLength)).filter((t) => t.length > 0);
  if (texts.length !== items.length || items.length < 8) return [];
  const labels = items.map((x) => (x.label === 'spam' ? 1 : 0) as 0 | 1);
  const scores = await scorer.tokenScores(texts);
  const features = scores.map((s) => [s.logProbs.reduce((a, b) => a + b, 0) / Math.max(1, s.logProbs.length), ...gltrHistogram(s.ranks)]);
  const train = items.flatMap((x, i) => (x.split === 'valid' ? [i] : []));
  const test = items.flatMap((x, i) => (x.split === 'test' ? [i] : []));
  if (new Set(train.map((i) => labels[i])).size < 2 || new Set(test.map((i) => labels[i])).size < 2) return [];
  const tfidf = fitCharTfidf(train.map((i) => texts[i]), train.map((i) => labels[i]));
  const gltr = fitDense(train.map((i) => features[i]), train.map((i) => labels[i]));
  const detectors: [string, (i: number) => number][] = [
    ['neg-loglik@lm-a', (i) => -features[i][0]],
    ['gltr-loglik-lr@lm-a', (i) => gltr(features[i])],
    ['char-tfidf-lr', (i) => tfidf(texts[i])],
  ];
  return detectors.flatMap(([id, score]) => {
    const values = test.map(score);
    const testLabels = test.map((i) => labels[i]);
    const facets = { task: 'probe-spam', detector: id, generator: 'real-labels', decoding: 'none' };
    const ci = bootstrapCi(test.map((i) => `${items[i].source}:${items[i].docId}`), (idx) => aurocOf(values, testLabels, idx), { resamples, seed: deriveSeed(context.seed, `spam:${id}`) });
    const details = { facets, task: 'probe-spam (real labels: spam = 1)', fitOn: 'valid', split: 'test' };
    return [
      { board: 'detection', metric: 'auroc', value: ci.value, stderr: ci.sd, direction: 'higher', n: test.length, details: { ...details, ciLow: ci.ciLow, ciHigh: ci.ciHigh, roc: downsampleCurve(rocCurve(values, testLabels), ROC_POINTS) } },
      { board: 'detection', metric: 'tpr_at_1fpr', value: tprAtFpr(values, testLabels, 0.01), direction: 'higher', n: test.length, details },
    ] satisfies MetricRecord[];
  });
}
