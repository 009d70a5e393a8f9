import { defineStudy } from '@labbench/core';
import { TRAINED } from '../evaluator.js';
import { B_TASKS } from '../tasks.js';

const paper = { title: 'HC3 Plus: A Semantic-Invariant Human ChatGPT Comparison Corpus', url: 'https://arxiv.org/abs/2309.02731', year: 2023 };

/**
 * Spec 6.4, rebuilt for issue #18: an HC3-Plus-style benchmark from our own generators. The arm is
 * the white-box scorer and generator G1 (trained on half A of the training documents); the
 * evaluator trains G0 (n-gram) and G2 (a second tiny transformer) on half B with a budget derived
 * from the cell. Tasks: A (free continuation) against B-para and B-summ (paraphrase and summary
 * analogues: machine-written, conditioned on the human text's content words; see src/tasks.ts).
 * Per-detector numbers are `auroc` / `tpr_at_1fpr` records with facets (task, detector, generator,
 * decoding, setting); the claims select them by facet and compare the mean AUROC per seed on A with
 * that on the two B tasks. Budgets and seeds come from the profile.
 */

/** The trained detectors fitted on all tasks (HC3 Plus's protocol), scored on all generators and decodings. */
const trainedOnAll = { detector: TRAINED.map((d) => `${d}/from-all`), generator: 'all', decoding: 'all' };
/** The zero-shot detectors in the white-box setting: each scorer on the samples it generated itself. */
const whiteBox = { setting: 'white-box', decoding: 'all' };
export default defineStudy({
  id: 'hc3-plus',
  version: 4, // v4: the campaign profile's budget moved to 7.4M tokens (docs/recipe.md s.4c)
  title: 'HC3 Plus analogue: free continuation vs paraphrase and summary analogues written by our own tiny LMs',
  claim: 'Machine text is harder to detect on semantic-invariant tasks (here analogues of paraphrase and summary, conditioned on the human text) than on free generation (here continuation).',
  paper,
  shared: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    'gen-a': { mixture: 'default-half-a' },
  },
  baseline: 'gen-a',
  // a language model is the subject, but the claims compare tasks of one arm: no reference rows needed
  references: false,
  gates: [
    { id: 'test-items', kind: 'bound', board: 'detection', metric: 'test_texts_per_task', arm: 'gen-a', atLeast: 300,
      text: 'Every task has at least 300 test texts (150 pairs), so an AUROC difference of about 0.1 is resolvable (issue #17).' },
  ],
  claims: [
    { id: 'si-harder-trained', role: 'headline', text: 'Trained detectors (fitted on all tasks) detect machine text better on free continuation (A) than on the paraphrase and summary analogues (B)',
      board: 'detection', metric: 'auroc', facets: { task: 'A', ...trainedOnAll }, baselineFacets: { task: [...B_TASKS], ...trainedOnAll }, method: 'gen-a', baseline: 'gen-a', gates: ['test-items'],
      paper: { figure: 'Tk-instruct detector accuracy 99.82% on English HC3 (QA) vs 91.73% on the English semantic-invariant tasks (accuracy, not AUROC)', source: 'HC3 Plus main results (English), as summarised in the spec §4.5 [verify exact table]' } },
    { id: 'si-harder-white-box', role: 'secondary', text: 'Zero-shot detectors in the white-box setting (each scorer on the text it generated) detect free continuation (A) better than the paraphrase and summary analogues (B)',
      board: 'detection', metric: 'auroc', facets: { task: 'A', ...whiteBox }, baselineFacets: { task: [...B_TASKS], ...whiteBox }, method: 'gen-a', baseline: 'gen-a', gates: ['test-items'],
      paper: { figure: 'not in the paper (it evaluates trained detectors only); the spec expects near-perfect white-box detection of free generation and clearly lower AUROC on semantic-invariant tasks', source: 'spec §6.4, expected direction' } },
  ],
  evaluators: [{ id: 'hc3-plus', options: { otherMixture: 'default-half-b', heldOutGenerator: 'lm-b', heldOutDecoding: 'topp0.9' } }],
});
