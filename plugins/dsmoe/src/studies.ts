import { defineStudy } from '@labbench/core';

const convert = { initFrom: 'pretrain', stepsFraction: 0.25, train: { learningRate: 1e-3 } } as const;

/**
 * Spec §7.2: pre-train a dense model, then continue training each conversion on 25% more steps.
 * DSMoE's lambda is steered to 3/8 active experts, the top-3-of-8 and prune-3-of-8 budgets.
 */
export const dsmoeStudy = defineStudy({
  id: 'dsmoe',
  version: 1,
  title: 'DSMoE: thresholded sigmoid gates over a partitioned dense FFN vs top-k conversion and pruning',
  claim: 'At matched activation (3 of 8 experts), DSMoE converted from a trained dense model reaches lower perplexity than a top-3 MoE conversion and static pruning; without the STE it is much worse, and thresholding only at evaluation is worse.',
  paper: { title: 'DSMoE: Matrix-Partitioned Experts with Dynamic Routing for Computation-Efficient Dense LLMs', url: 'https://arxiv.org/abs/2502.12455', year: 2025 },
  shared: { tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    pretrain: { model: 'dense' },
    'dense-continued': { model: 'dense', ...convert },
    dsmoe: { model: 'dsmoe', modelConfig: { variant: 'dsmoe' }, ...convert },
    'topk-3of8': { model: 'dsmoe', modelConfig: { variant: 'topk' }, ...convert },
    'prune-3of8': { model: 'dsmoe', modelConfig: { variant: 'prune' }, ...convert },
    'dsmoe-no-ste': { model: 'dsmoe', modelConfig: { variant: 'no-ste' }, ...convert },
    'dsmoe-threshold-at-eval': { model: 'dsmoe', modelConfig: { variant: 'soft' }, ...convert },
  },
  baseline: 'dense-continued',
  claims: [
    { text: 'DSMoE reaches lower bits per byte than static pruning to 3 of 8 blocks', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'dsmoe', baseline: 'prune-3of8' },
    { text: 'DSMoE reaches lower bits per byte than a top-3-of-8 softmax conversion', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'dsmoe', baseline: 'topk-3of8' },
  ],
  evaluators: ['dsmoe-activation', 'perplexity', 'efficiency'],
});
