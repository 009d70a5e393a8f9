import { defineStudy } from '@labbench/core';

const post = { initFrom: 'pretrain', mixture: 'email', stepsFraction: 0.5, train: { learningRate: 1e-3 } } as const;
const size = { layers: 8 } as const; // spec §7.3: 8 layers, SuperBlock [4, 8) with G = 4 (anchor 4, reuse 5-7)

/**
 * Spec §7.3: pre-train an 8-layer dense model on Brown + SOTU, then post-train on e-mail, "one epoch
 * per stage": every arm makes the same number of full-model updates (50% of the profile's steps);
 * UniAttn first spends as many steps on W_c alone (stage 1), so it trains twice as many steps.
 */
export const uniattnStudy = defineStudy({
  id: 'uniattn',
  version: 1,
  title: 'UniAttn: softmax unification with linear compensation vs plain fine-tuning, CLA and attention dropping',
  claim: 'Sharing the anchor softmax across a SuperBlock with a least-squares compensation loses less domain loss right after surgery than unification alone and, after two-stage post-training, matches plain fine-tuning while beating K/V sharing and attention dropping at the same softmax and K-cache savings.',
  paper: { title: 'UniAttn: Reducing Inference Costs via Softmax Unification for Post-Training LLMs', url: 'https://arxiv.org/abs/2502.00439', year: 2025 },
  shared: { model: 'uniattn', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    pretrain: { modelConfig: { ...size, variant: 'plain' }, mixture: 'brown-sotu' },
    plain: { modelConfig: { ...size, variant: 'plain' }, ...post },
    softmax: { modelConfig: { ...size, variant: 'softmax' }, ...post },
    uniattn: { modelConfig: { ...size, variant: 'uniattn', stage1Fraction: 0.5 }, ...post, stepsFraction: 1 },
    cla: { modelConfig: { ...size, variant: 'cla' }, ...post },
    drop: { modelConfig: { ...size, variant: 'drop' }, ...post },
  },
  baseline: 'plain',
  claims: [
    { text: 'With its linear compensation, UniAttn loses less domain loss right after surgery than softmax unification alone', board: 'ppl', metric: 'surgery.domain_loss', method: 'uniattn', baseline: 'softmax' },
    { text: 'UniAttn ends with lower held-out domain loss than softmax unification alone', board: 'ppl', metric: 'domain.email.loss', method: 'uniattn', baseline: 'softmax' },
  ],
  evaluators: ['uniattn-domain', 'perplexity', 'efficiency'],
});
