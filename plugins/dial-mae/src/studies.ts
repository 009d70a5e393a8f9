import { defineStudy } from '@labbench/core';

const paper = { title: 'Dial-MAE: ConTextual Masked Auto-Encoder for Retrieval-based Dialogue Systems', url: 'https://arxiv.org/abs/2306.04357', year: 2024 };

/**
 * Stage 0 (`none`: MLM pretraining, no post-training) -> Stage 1 (`mlm`, `dial-mae`) -> Stage 2
 * (`*-ft`: two encoders from the stage-1 model, in-batch InfoNCE). Every arm is evaluated:
 * stage-0/1 arms zero-shot, `*-ft` arms fine-tuned.
 */
export const dialMaeStudy = defineStudy({
  id: 'dial-mae',
  version: 1,
  title: 'Dial-MAE post-training vs MLM-only vs none, zero-shot and after contrastive fine-tuning',
  claim: 'Asymmetric masked auto-encoder post-training (masked context -> [CLS] -> shallow decoder rebuilds a 75%-masked response) gives a bi-encoder better response selection (R10@1) than MLM-only post-training or none, zero-shot and after InfoNCE fine-tuning.',
  paper,
  shared: { model: 'dial-mae-encoder', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    none: { modelConfig: { objective: 'mlm' } },
    mlm: { initFrom: 'none', stepsFraction: 0.5, modelConfig: { objective: 'mlm-pairs', encoderMaskRate: 0.3 } },
    'dial-mae': { initFrom: 'none', stepsFraction: 0.5, modelConfig: { objective: 'dial-mae', encoderMaskRate: 0.3, decoderMaskRate: 0.75, decoderLayers: 1 } },
    'none-ft': { initFrom: 'none', stepsFraction: 0.5, modelConfig: { objective: 'infonce' } },
    'mlm-ft': { initFrom: 'mlm', stepsFraction: 0.5, modelConfig: { objective: 'infonce' } },
    'dial-mae-ft': { initFrom: 'dial-mae', stepsFraction: 0.5, modelConfig: { objective: 'infonce' } },
  },
  baseline: 'none',
  claims: [
    { text: 'Dial-MAE post-training beats MLM-only post-training on R10@1 after fine-tuning (e-mail, random negatives)', board: 'dialogue', metric: 'email-random.r10@1', method: 'dial-mae-ft', baseline: 'mlm-ft' },
    { text: 'Dial-MAE post-training beats no post-training on R10@1 after fine-tuning (e-mail, random negatives)', board: 'dialogue', metric: 'email-random.r10@1', method: 'dial-mae-ft', baseline: 'none-ft' },
  ],
  evaluators: ['dial-mae-retrieval'],
});

/** Decoder masking {45, 60, 75}% x decoder depth {1, 2}, zero-shot after post-training. */
export const dialMaeSweep = defineStudy({
  id: 'dial-mae-sweep',
  version: 1,
  title: 'Dial-MAE ablation: decoder masking rate and decoder depth (zero-shot)',
  claim: 'A heavily masked response (75%) and a one-layer decoder are at or near the best (the paper\'s Ubuntu ablation).',
  paper,
  shared: { model: 'dial-mae-encoder', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    none: { modelConfig: { objective: 'mlm' } },
    ...Object.fromEntries([45, 60, 75].flatMap((rate) => [1, 2].map((depth) => [`dec${rate}-l${depth}`, {
      initFrom: 'none', stepsFraction: 0.5,
      modelConfig: { objective: 'dial-mae', encoderMaskRate: 0.3, decoderMaskRate: rate / 100, decoderLayers: depth },
    }]))),
  },
  baseline: 'dec75-l1',
  evaluators: ['dial-mae-retrieval'],
});
