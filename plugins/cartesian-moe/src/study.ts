import { defineStudy } from '@labbench/core';

// One "full" expert is the profile's dense FFN width D; N = 8 (architectures.md §7.4). Every arm
// holds 9 full experts' parameters per MoE layer and activates 3 full experts' worth per token.
const full = { experts: 8, topK: 2, expertHiddenScale: 1, sharedExperts: 1, sharedHiddenScale: 1, sharedMix: 'softmax2' };

export const cartesianStudy = defineStudy({
  id: 'cartesian-moe',
  version: 1,
  title: 'CartesianMoE vs SMoE baselines at equal total and activated parameters',
  claim: 'Cartesian-product routing (two stacked routed sub-layers of half experts) lowers perplexity versus SMoE-Share, SMoE-Top3, Hash, Fine-grained and Top-P routing at equal total and activated parameters, and degrades far less when each token\'s top-1 expert is disabled.',
  paper: { title: 'CartesianMoE: Boosting Knowledge Sharing among Experts via Cartesian Product Routing in Mixture-of-Experts', url: 'https://arxiv.org/abs/2410.16077', year: 2024 },
  shared: { tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    'smoe-share': { model: 'moe', modelConfig: full },
    // [deviation] paper: 8 wider experts (D' = 17/16 D), top-3, no SE, 4.5% more activated; here 9 full experts top-3 (equal active)
    'smoe-top3': { model: 'moe', modelConfig: { ...full, experts: 9, topK: 3, sharedExperts: 0, sharedMix: 'none' } },
    hash: { model: 'moe', modelConfig: { ...full, routing: 'hash', hashMode: 'random' } },
    'fine-grained': { model: 'moe', modelConfig: { ...full, experts: 16, topK: 4, expertHiddenScale: 0.5, sharedExperts: 2, sharedHiddenScale: 0.5 } },
    'top-p': { model: 'moe', modelConfig: { ...full, routing: 'top-p', topP: 0.4 } },
    cartesian: { model: 'cartesian-moe', modelConfig: { experts: 8, topK: 2, expertHiddenScale: 0.5, sharedExperts: 1, sharedHiddenScale: 0.5 } },
    // [verify] ablation size rule not recovered: the shared half becomes a 9th routed half and k = 3 per sub-layer (as SMoE-Top3)
    'cartesian-no-shared': { model: 'cartesian-moe', modelConfig: { experts: 9, topK: 3, expertHiddenScale: 0.5, sharedExperts: 0 } },
  },
  baseline: 'smoe-share',
  evaluators: ['perplexity', 'moe-disable-top1', 'moe-routing'],
  claims: [
    { text: 'CartesianMoE reaches lower in-domain perplexity than SMoE-Share', board: 'ppl', metric: 'id.all.token_ppl', method: 'cartesian', baseline: 'smoe-share' },
    { text: 'CartesianMoE reaches lower in-domain perplexity than Fine-grained routing', board: 'ppl', metric: 'id.all.token_ppl', method: 'cartesian', baseline: 'fine-grained' },
    { text: 'Disabling the top-1 expert raises perplexity less for CartesianMoE than for SMoE-Share (ratio to normal perplexity)', board: 'ppl', metric: 'disable_top1.id.ppl_ratio', method: 'cartesian', baseline: 'smoe-share' },
    { text: 'Disabling the top-1 expert raises perplexity less for CartesianMoE than for Fine-grained routing', board: 'ppl', metric: 'disable_top1.id.ppl_ratio', method: 'cartesian', baseline: 'fine-grained' },
  ],
});
