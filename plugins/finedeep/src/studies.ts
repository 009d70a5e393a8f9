import { defineStudy } from '@labbench/core';

/**
 * Spec §7.1: dense vs Finedeep M x K at equal expert parameters (D_e = D / 16 for every grid
 * point). The mechanism metric is NSAR(tau) per layer; perplexity should not get worse.
 */
export const finedeepStudy = defineStudy({
  id: 'finedeep',
  version: 1,
  title: 'Finedeep: multi-layer fine-grained experts vs the dense FFN at equal parameters',
  claim: 'Re-cutting the dense FFN into M sequential sub-layers of K output-routed experts raises the non-sparse activation rate (NSAR) and does not hurt perplexity, best at a balanced M x K.',
  paper: { title: 'Finedeep: Mitigating Sparse Activation in Dense LLMs via Multi-Layer Fine-Grained Experts', url: 'https://arxiv.org/abs/2502.12928', year: 2025 },
  shared: { model: 'finedeep', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    dense: { modelConfig: { layout: 'dense' } },
    'm1-k16': { modelConfig: { subLayers: 1, expertsPerSubLayer: 16 } },
    'm2-k8': { modelConfig: { subLayers: 2, expertsPerSubLayer: 8 } },
    'm4-k4': { modelConfig: { subLayers: 4, expertsPerSubLayer: 4 } },
    'm8-k2': { modelConfig: { subLayers: 8, expertsPerSubLayer: 2 } },
    'm16-k1': { modelConfig: { subLayers: 16, expertsPerSubLayer: 1 } },
  },
  baseline: 'dense',
  claims: [
    { text: 'Finedeep (4x4) raises the share of activations above 0.1 (NSAR) over the dense model', board: 'routing', metric: 'nsar.tau0.1.mean', method: 'm4-k4', baseline: 'dense' },
    { text: 'Finedeep (4x4) reaches lower bits per byte than the dense model', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'm4-k4', baseline: 'dense' },
  ],
  evaluators: ['perplexity', 'nsar', 'efficiency'],
});
