import { defineStudy } from '@labbench/core';

const paper = { title: 'Dial-MAE: ConTextual Masked Auto-Encoder for Retrieval-based Dialogue Systems', url: 'https://arxiv.org/abs/2306.04357', year: 2024 };

/**
 * Stage 0 (`none`: MLM pretraining on the default mixture, no post-training) -> Stage 1 (`mlm`,
 * `dial-mae`) -> Stage 2 (`*-ft`: two encoders from the stage-1 model, in-batch InfoNCE). Stages 1
 * and 2 train on `email-pairs`: context-response pairs of training-split e-mail threads
 * (`DataProvider.trainingPairs`); the evaluation sets are pairs of held-out threads. Every arm is
 * evaluated: stage-0/1 arms zero-shot, `*-ft` arms fine-tuned.
 */
const PAIRS = 'email-pairs';

/**
 * R10@1 has chance 0.10; with the ~200 e-mail items (valid + test) its standard error at chance is
 * about 0.021, so 0.15 is chance plus 2.3 standard errors (one-sided 1%). Below it the encoder
 * selects responses no better than chance and the comparison carries no information.
 */
const ABOVE_CHANCE = 0.15;
// A gate says whether the regime can test a claim, so it never reads the method arm's own result:
// a post-trained encoder that stays at chance while `none` does not is a refutation, not an invalid
// regime (until v4 the zero-shot claim was gated on `dial-mae` itself). Every claim here is gated on
// the fine-tuned baseline learning the task.
export const dialMaeStudy = defineStudy({
  id: 'dial-mae',
  // v3: the campaign profile's budget moved to 7.4M tokens (docs/recipe.md s.4c). v4 (before any
  // campaign cell of this study): the zero-shot claim is gated on the regime (fine-tuning learns the
  // task), not on the method's own result; R10@k and MRR records carry per-item values grouped by
  // thread, so intervals include the item sample's noise; thread-pair replies are cut to
  // responseLength tokens in training as retrieval cuts them
  version: 4,
  title: 'Dial-MAE post-training vs MLM-only vs none, zero-shot and after contrastive fine-tuning, on e-mail reply pairs',
  claim: 'Asymmetric masked auto-encoder post-training (masked context -> [CLS] -> shallow decoder rebuilds a 75%-masked response) gives a bi-encoder better response selection (R10@1) than MLM-only post-training or none, zero-shot and after InfoNCE fine-tuning.',
  paper,
  shared: { model: 'dial-mae-encoder', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    none: { modelConfig: { objective: 'mlm' } },
    mlm: { initFrom: 'none', stepsFraction: 0.5, mixture: PAIRS, modelConfig: { objective: 'mlm-pairs', encoderMaskRate: 0.3 } },
    'dial-mae': { initFrom: 'none', stepsFraction: 0.5, mixture: PAIRS, modelConfig: { objective: 'dial-mae', encoderMaskRate: 0.3, decoderMaskRate: 0.75, decoderLayers: 1 } },
    'none-ft': { initFrom: 'none', stepsFraction: 0.5, mixture: PAIRS, modelConfig: { objective: 'infonce' } },
    'mlm-ft': { initFrom: 'mlm', stepsFraction: 0.5, mixture: PAIRS, modelConfig: { objective: 'infonce' } },
    'dial-mae-ft': { initFrom: 'dial-mae', stepsFraction: 0.5, mixture: PAIRS, modelConfig: { objective: 'infonce' } },
  },
  baseline: 'none',
  gates: [
    { id: 'finetuned-above-chance', kind: 'bound', board: 'dialogue', metric: 'email-random.r10@1', arm: 'none-ft', atLeast: ABOVE_CHANCE,
      text: 'Contrastive fine-tuning without post-training selects e-mail replies above chance (R10@1 >= 0.15; chance 0.10): the regime can learn the task at all.' },
  ],
  claims: [
    { id: 'dial-mae-ft-vs-none-ft', role: 'headline', text: 'Dial-MAE post-training before contrastive fine-tuning beats contrastive fine-tuning alone on R10@1 (e-mail replies, random negatives)',
      board: 'dialogue', metric: 'email-random.r10@1', method: 'dial-mae-ft', baseline: 'none-ft', gates: ['finetuned-above-chance'],
      paper: { figure: 'R10@1 0.918 (Dial-MAE) vs 0.887 (bi-encoder BERT with contrastive fine-tuning only), Ubuntu Corpus V1', source: 'main results table (Ubuntu); spec §5.5 [verify table number]', effect: 0.031 } },
    { id: 'dial-mae-ft-vs-mlm-ft', role: 'secondary', text: 'Dial-MAE post-training beats MLM-only post-training on R10@1 after the same fine-tuning (e-mail replies, random negatives)',
      board: 'dialogue', metric: 'email-random.r10@1', method: 'dial-mae-ft', baseline: 'mlm-ft', gates: ['finetuned-above-chance'],
      paper: { figure: 'MLM-only post-training is not reported; against other post-training objectives R10@1 0.919 (Dial-MAE) vs 0.894 Condenser, 0.893 RetroMAE, 0.898 CoT-MAE, Ubuntu', source: 'ablation table (Ubuntu); spec §5.5 [verify]' } },
    { id: 'dial-mae-zero-shot-vs-none', role: 'secondary', text: 'Zero-shot (no fine-tuning), the Dial-MAE post-trained encoder beats the encoder without post-training on R10@1 (e-mail replies, random negatives)',
      board: 'dialogue', metric: 'email-random.r10@1', method: 'dial-mae', baseline: 'none', gates: ['finetuned-above-chance'],
      paper: { figure: 'R10@1 0.783 (post-trained encoder, no fine-tuning) vs 0.205 (plain BERT), Ubuntu', source: 'zero-shot ablation as summarised in the spec §5.5 [verify]', effect: 0.578 } },
  ],
  evaluators: ['dial-mae-retrieval'],
});

/** Decoder masking {45, 60, 75}% x decoder depth {1, 2}, zero-shot after post-training. */
export const dialMaeSweep = defineStudy({
  id: 'dial-mae-sweep',
  version: 2,
  title: 'Dial-MAE ablation: decoder masking rate and decoder depth (zero-shot), on e-mail reply pairs',
  claim: 'A heavily masked response (75%) and a one-layer decoder are at or near the best (the paper\'s Ubuntu ablation).',
  paper,
  shared: { model: 'dial-mae-encoder', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: {
    none: { modelConfig: { objective: 'mlm' } },
    ...Object.fromEntries([45, 60, 75].flatMap((rate) => [1, 2].map((depth) => [`dec${rate}-l${depth}`, {
      initFrom: 'none', stepsFraction: 0.5, mixture: PAIRS,
      modelConfig: { objective: 'dial-mae', encoderMaskRate: 0.3, decoderMaskRate: rate / 100, decoderLayers: depth },
    }]))),
  },
  baseline: 'dec75-l1',
  evaluators: ['dial-mae-retrieval'],
});
