import { defineStudy } from '@labbench/core';

/**
 * MiLe vs cross-entropy and focal loss at equal steps and data (spec 6.2). Validation and every
 * evaluator use unweighted cross-entropy, so the arms are comparable.
 */
export const infoentropy = defineStudy({
  id: 'infoentropy',
  version: 1,
  title: 'MiLe (InfoEntropy) loss vs cross-entropy and focal loss',
  claim: 'Weighting cross-entropy by the entropy of the predicted distribution lowers perplexity on medium- and low-frequency tokens at similar overall perplexity, and beats focal loss on rare tokens.',
  paper: { title: 'MiLe Loss: a New Loss for Mitigating the Bias of Learning Difficulties in Generative Language Models', url: 'https://arxiv.org/abs/2310.19531', year: 2024 },
  shared: { model: 'dense', tokenizer: 'bpe', mixture: 'brown-sotu' },
  arms: {
    ce: { loss: 'cross-entropy' },
    focal: { loss: 'focal', lossConfig: { gamma: 1 } },
    'mile-g0.5': { loss: 'mile', lossConfig: { gamma: 0.5 } },
    'mile-g1': { loss: 'mile', lossConfig: { gamma: 1 } },
    'mile-g2': { loss: 'mile', lossConfig: { gamma: 2 } },
  },
  baseline: 'ce',
  claims: [
    { text: 'MiLe (gamma 1) lowers perplexity on the rarest 5% of tokens below cross-entropy', board: 'ppl', metric: 'id.freq_low.token_ppl', method: 'mile-g1', baseline: 'ce' },
    { text: 'MiLe (gamma 1) lowers overall in-domain bits per byte below cross-entropy', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'mile-g1', baseline: 'ce' },
  ],
  evaluators: ['perplexity', 'ppl-by-frequency', 'rare-word-cloze'],
});
