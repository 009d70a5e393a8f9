import { defineStudy } from '@labbench/core';

const bpb = 'id.all.bits_per_byte';

/**
 * The foundation's baseline study: the dense reference model with its two usual FFNs at matched
 * parameters (SwiGLU with F hidden units has 3DF weights; ReLU with 1.5F has the same). Its gates
 * say whether the regime can decide an FFN claim at all: the baseline must beat a count bigram,
 * and removing the FFN must cost something.
 */
export const denseBaseline = defineStudy({
  id: 'dense-baseline',
  version: 3, // v3: the campaign profile's budget moved to 7.4M tokens (docs/recipe.md s.4c)
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
  // reference rows (ref-unigram, ref-bigram) on the baseline's tokenizer and stream: the default
  references: { arm: 'relu' },
  // the component the paper changes is the FFN: the same SwiGLU model with an FFN of width 1
  knockouts: [{ component: 'ffn', arm: 'swiglu' }],
  // the same ids as core's default gates, so these replace them (stated here so the study reads whole)
  gates: [
    { id: 'beats-bigram', text: 'The ReLU baseline beats the Witten-Bell bigram by at least 0.15 bits per byte', kind: 'margin', board: 'ppl', metric: bpb, arm: 'relu', than: 'ref-bigram', atLeast: 0.15 },
    { id: 'knockout-ffn-matters', text: 'Knocking the FFN out (width 1) costs the SwiGLU model at least 0.1 bits per byte', kind: 'margin', board: 'ppl', metric: bpb, arm: 'swiglu', than: 'knockout-ffn', atLeast: 0.1 },
  ],
  claims: [
    {
      id: 'swiglu-beats-relu',
      text: 'SwiGLU reaches lower in-domain bits per byte than ReLU at equal parameters',
      role: 'headline',
      board: 'ppl', metric: bpb, method: 'swiglu', baseline: 'relu',
      // held-out log-perplexity on T5's span-filling task after 524,288 steps; not on our scale, so no effect
      paper: { figure: '1.636 (SwiGLU) vs 1.677 (ReLU) held-out log-perplexity at 524k steps', source: 'Table 1' },
      // the same ids as core's default gates, so these replace them (stated here so the study reads whole)
  gates: ['beats-bigram', 'knockout-ffn-matters'],
    },
  ],
});
