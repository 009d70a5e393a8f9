import { defineStudy } from '@labbench/core';

/**
 * Temporal scaling law (spec 6.3): per-position validation loss at checkpoints, forecast of the
 * later checkpoints from the early window, against aggregate baselines; one arm per training
 * mixture, so the same cells also give the mixture-ranking application (the plugin's study
 * summary, applied by labbench run and publish). All arms share the validation set.
 */
export const temporalScalingLawStudy = defineStudy({
  id: 'temporal-scaling-law',
  version: 1,
  title: 'Temporal scaling law: forecasting validation loss from per-position curves',
  claim: 'Fitting a hyperbolic per-position law per checkpoint and its parameter trajectories forecasts later validation loss better than a power law in steps, and ranks training mixtures from early training better than early loss.',
  paper: { title: 'Temporal Scaling Law for Large Language Models', url: 'https://arxiv.org/abs/2404.17785', year: 2025 },
  // 24 validation points per cell (the profile's default is 3-12): the law is fitted per checkpoint
  // and its parameters' trajectories need enough early points to choose a family [spec 3.2: ~40]
  shared: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy', train: { checkpoints: 24 } },
  arms: {
    'brown-sotu': { mixture: 'brown-sotu' },
    'brown-heavy': { mixture: 'brown70-sotu15-email15' },
    'sotu-heavy': { mixture: 'brown15-sotu70-email15' },
    'email-heavy': { mixture: 'brown15-sotu15-email70' },
    uniform: { mixture: 'brown33-sotu33-email33' },
  },
  baseline: 'brown-sotu',
  claims: [
    { text: 'From 25% of training, the temporal scaling law forecasts later in-domain loss with lower MAPE than a power law in steps', board: 'scaling', metric: 'id.tsl.future_mape', method: 'brown-sotu', baseline: 'brown-sotu', baselineMetric: 'id.power_law.future_mape' },
    { text: 'The same on out-of-domain loss', board: 'scaling', metric: 'ood.tsl.future_mape', method: 'brown-sotu', baseline: 'brown-sotu', baselineMetric: 'ood.power_law.future_mape' },
  ],
  evaluators: [{ id: 'temporal-scaling-law', options: { fitFraction: 0.25 } }, 'perplexity'],
});
