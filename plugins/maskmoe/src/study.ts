import { defineStudy } from '@labbench/core';

// SMoE and Hash use the moe plugin's model with the same experts (N = 8 full-width, top-1, no shared expert).
const smoe = { experts: 8, topK: 1, expertHiddenScale: 1, sharedExperts: 0, sharedMix: 'none' };

export const maskMoeStudy = defineStudy({
  id: 'maskmoe',
  version: 1,
  title: 'MaskMoE vs SMoE and Hash routing, with a V_freq sweep',
  claim: 'Frozen per-token routing masks (rare tokens see one expert, frequent tokens several) lower perplexity versus dynamic (SMoE) and fixed (Hash) routing, chiefly on rare tokens, and remove routing fluctuation for rare tokens.',
  paper: { title: 'MaskMoE: Boosting Token-Level Learning via Routing Mask in Mixture-of-Experts', url: 'https://arxiv.org/abs/2407.09816', year: 2024 },
  shared: { tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    smoe: { model: 'moe', modelConfig: smoe },
    hash: { model: 'moe', modelConfig: { ...smoe, routing: 'hash', hashMode: 'balanced' } },
    maskmoe: { model: 'maskmoe', modelConfig: { experts: 8, topK: 1, visibleFrequent: 4, frequentShare: 0.3 } },
    'maskmoe-vfreq2': { model: 'maskmoe', modelConfig: { experts: 8, topK: 1, visibleFrequent: 2, frequentShare: 0.3 } },
    'maskmoe-vfreq8': { model: 'maskmoe', modelConfig: { experts: 8, topK: 1, visibleFrequent: 8, frequentShare: 0.3 } },
  },
  baseline: 'smoe',
  evaluators: ['perplexity', 'ppl-by-frequency', 'moe-routing'],
  claims: [
    { text: 'MaskMoE reaches lower in-domain perplexity than SMoE', board: 'ppl', metric: 'id.all.token_ppl', method: 'maskmoe', baseline: 'smoe' },
    { text: 'MaskMoE reaches lower in-domain perplexity than Hash routing', board: 'ppl', metric: 'id.all.token_ppl', method: 'maskmoe', baseline: 'hash' },
    { text: 'MaskMoE reaches lower perplexity than SMoE on the rarest tokens (5% bucket)', board: 'ppl', metric: 'id.freq_low.token_ppl', method: 'maskmoe', baseline: 'smoe' },
    { text: 'MaskMoE routes fewer occurrences to a different top-1 expert between mid-training and the end than SMoE', board: 'routing', metric: 'fluctuation.occurrences', method: 'maskmoe', baseline: 'smoe' },
  ],
});
