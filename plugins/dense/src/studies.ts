import { defineStudy } from '@labbench/core';

/**
 * The foundation's baseline study: the dense reference model with its two usual FFNs at matched
 * parameters (SwiGLU with F hidden units has 3DF weights; ReLU with 1.5F has the same).
 */
export const denseBaseline = defineStudy({
  id: 'dense-baseline',
  version: 1,
  title: 'Dense baselines: SwiGLU vs ReLU FFN at equal parameters',
  claim: 'A SwiGLU FFN reaches lower perplexity than a ReLU FFN with the same number of parameters (Shazeer, 2020).',
  paper: { title: 'GLU Variants Improve Transformer', url: 'https://arxiv.org/abs/2002.05202', year: 2020 },
  shared: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    swiglu: { modelConfig: { activation: 'swiglu' } },
    relu: { modelConfig: { activation: 'relu', ffnHiddenScale: 1.5 } },
  },
  baseline: 'relu',
  evaluators: ['perplexity', 'downstream', 'detection-basic'],
  claims: [
    { text: 'SwiGLU reaches lower in-domain bits per byte than ReLU at equal parameters', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'swiglu', baseline: 'relu' },
  ],
});
