import { defineStudy } from '@labbench/core';

/**
 * Spec 6.4: an HC3-Plus-style benchmark built from our own generators. The arm is the white-box
 * scorer and generator G1 (trained on half A of the training documents); the evaluator trains G0
 * (n-gram) and G2 (a second tiny transformer) on half B with a budget derived from the cell.
 * Budgets and seeds come from the profile.
 */
export default defineStudy({
  id: 'hc3-plus',
  version: 1,
  title: 'HC3 Plus analogue: free continuation vs semantic-invariant edits from our own tiny LMs',
  claim: 'Machine text is harder to detect on semantic-invariant tasks (here span infilling and lexical paraphrase) than on free generation (here continuation).',
  paper: { title: 'HC3 Plus: A Semantic-Invariant Human ChatGPT Comparison Corpus', url: 'https://arxiv.org/abs/2309.02731', year: 2023 },
  shared: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    'gen-a': { mixture: 'default-half-a' },
  },
  baseline: 'gen-a',
  claims: [
    { text: 'Detection is easier on free continuation (A) than on span infilling (B1): Fast-DetectGPT, white-box', board: 'detection', metric: 'A.fast-detectgpt@lm-a.auroc', method: 'gen-a', baseline: 'gen-a', baselineMetric: 'B1.fast-detectgpt@lm-a.auroc' },
    { text: 'Detection is easier on free continuation (A) than on lexical paraphrase (B2): Fast-DetectGPT, white-box', board: 'detection', metric: 'A.fast-detectgpt@lm-a.auroc', method: 'gen-a', baseline: 'gen-a', baselineMetric: 'B2.fast-detectgpt@lm-a.auroc' },
    { text: 'Detection is easier on A than on B2 for a trained detector (char TF-IDF + logistic regression)', board: 'detection', metric: 'A.char-tfidf-lr.auroc', method: 'gen-a', baseline: 'gen-a', baselineMetric: 'B2.char-tfidf-lr.auroc' },
  ],
  evaluators: [{ id: 'hc3-plus', options: { otherMixture: 'default-half-b', heldOutGenerator: 'lm-b', heldOutDecoding: 'topp0.9' } }],
});
