import type { RecipeConfig } from './lib.js';

/** `--name value` from argv. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The quick profile's recipe before the sweep (the starting point). */
export const QUICK_BEFORE: RecipeConfig = {
  dModel: 64, layers: 2, heads: 2, ffnHidden: 256, activation: 'swiglu', initStd: 0.02,
  steps: 300, batchSize: 8, seqLen: 64, learningRate: 3e-3, warmupSteps: 30, weightDecay: 0.1, seed: 1,
};

/** Parity run: the quick model on about 1M tokens. */
export const PARITY_CONFIG: RecipeConfig = { ...QUICK_BEFORE, embeddingScale: 'sqrt-d', steps: 2000 };
export const PARITY_CORPUS = { vocab: 1024, tokenizerChars: 1_000_000, trainChars: 6_000_000, evalChars: 100_000 };

export interface SweepRun {
  readonly name: string;
  /** The factor this run varies against the plan's base (for the table). */
  readonly factor: string;
  readonly config: Partial<RecipeConfig>;
}

export interface SweepPlan {
  readonly corpus: { vocab: number; tokenizerChars: number; trainChars: number; evalChars: number };
  readonly base: RecipeConfig;
  readonly runs: readonly SweepRun[];
  readonly checkpoints?: number;
}

export const seeds = (name: string, factor: string, config: Partial<RecipeConfig>): SweepRun[] =>
  [1, 2].map((seed) => ({ name: `${name}/s${seed}`, factor, config: { ...config, seed } }));

/** The quick profile's budget (153,600 tokens): which recipe factors matter. */
const quick: SweepPlan = {
  corpus: { vocab: 1024, tokenizerChars: 1_000_000, trainChars: 921_600, evalChars: 420_000 },
  base: { ...QUICK_BEFORE, embeddingScale: 'sqrt-d' },
  runs: [
    ...seeds('before', 'GPT-2 input (no embedding scale), the old recipe', { embeddingScale: 'none' }),
    ...seeds('sqrt-d', 'embedding x sqrt(D) (the new default)', {}),
    { name: 'sqrt-d+init0.05/s1', factor: 'init std 0.05', config: { initStd: 0.05, seed: 1 } },
    { name: 'sqrt-d+warmup5/s1', factor: 'warmup 5 steps', config: { warmupSteps: 5, seed: 1 } },
    { name: 'sqrt-d+lr1e-2/s1', factor: 'peak LR 1e-2', config: { learningRate: 1e-2, seed: 1 } },
    { name: 'sqrt-d+relu/s1', factor: 'ReLU FFN at equal parameters', config: { activation: 'relu', ffnHidden: 384, seed: 1 } },
    { name: 'sqrt-d+ffn1/s1', factor: 'SwiGLU FFN of width 1 (knock-out)', config: { ffnHidden: 1, seed: 1 } },
    { name: 'before+ffn1/s1', factor: 'old recipe, SwiGLU FFN of width 1', config: { embeddingScale: 'none', ffnHidden: 1, seed: 1 } },
  ],
};

/**
 * Toward the campaign: the full profile's tokenizer (vocab 4096) and context (128) at half its
 * tokens (batch 16 x 1200 steps = 2.46M), the full profile's model (d 128, 4 layers) and a smaller
 * one; then the full profile's own budget (batch 32: 4.9M tokens) with the new recipe.
 */
const budget: SweepPlan = {
  corpus: { vocab: 4096, tokenizerChars: 4_000_000, trainChars: 2_457_600 * 6, evalChars: 480_000 },
  base: { ...QUICK_BEFORE, embeddingScale: 'sqrt-d', dModel: 128, layers: 4, heads: 4, ffnHidden: 512, batchSize: 16, seqLen: 128, steps: 1200, learningRate: 2e-3, warmupSteps: 60 },
  checkpoints: 12,
  runs: [
    { name: 'd128-L4-V4096-2.5M', factor: 'model size (the full profile model)', config: {} },
    { name: 'd64-L2-V4096-2.5M', factor: 'model size', config: { dModel: 64, layers: 2, heads: 2, ffnHidden: 256, learningRate: 3e-3 } },
    { name: 'd128-L4-V4096-4.9M', factor: 'tokens (the full profile budget: batch 32)', config: { batchSize: 32 } },
    { name: 'd128-L4-V4096-2.5M-init0.05', factor: 'init std 0.05', config: { initStd: 0.05 } },
  ],
};

/**
 * The optimiser at the campaign budget (4.9M tokens): twice the steps at half the batch, and twice
 * the peak learning rate, against d128-L4-V4096-4.9M (batch 32 x 1200 steps, peak 2e-3).
 */
const optimiser: SweepPlan = {
  ...budget,
  runs: [
    { name: 'd128-L4-V4096-4.9M-b16x2400', factor: 'batch 16 x 2400 steps (same tokens, twice the updates)', config: { batchSize: 16, steps: 2400, warmupSteps: 120 } },
    { name: 'd128-L4-V4096-4.9M-lr4e-3', factor: 'peak LR 4e-3', config: { batchSize: 32, learningRate: 4e-3 } },
    { name: 'd128-L4-V4096-4.9M-b8x4800', factor: 'batch 8 x 4800 steps (same tokens, four times the updates)', config: { batchSize: 8, steps: 4800, warmupSteps: 240 } },
  ],
};

/**
 * The tokenizer's vocabulary at the campaign model (d 128, 4 layers, 2.46M tokens): a bigram over
 * a 4096-token vocabulary is nearly a word bigram; over 1024 or 2048 tokens it sees less, while the
 * network's bits per byte need not move. Which vocabulary puts the baseline past its gate at the
 * smallest budget, and does the FFN knock-out still cost >= 0.1 there?
 */
const vocabPlan = (vocab: number): SweepPlan => ({
  ...budget,
  corpus: { ...budget.corpus, vocab },
  runs: [
    { name: `d128-L4-V${vocab}-2.5M`, factor: `vocabulary ${vocab}`, config: {} },
    { name: `d128-L4-V${vocab}-2.5M-ffn1`, factor: `vocabulary ${vocab}, SwiGLU FFN of width 1 (knock-out)`, config: { ffnHidden: 1 } },
  ],
});

/**
 * Tokens at the best measured batch (16): 1.5x and 2x the campaign's 4.9M (section 4b left 0.123
 * bits per byte against a 0.15 gate, and the margin doubled from 2.5M to 4.9M at batch 32). The
 * stream is long enough for 9.8M tokens (34.4M characters; the mixture repeats its small sources in
 * a new order per epoch, as a campaign cell's stream does), and warmup stays 5% of the steps.
 */
const tokens: SweepPlan = {
  ...budget,
  corpus: { ...budget.corpus, trainChars: 34_400_000 },
  runs: [
    { name: 'd128-L4-V4096-7.4M-b16x3600', factor: 'tokens: batch 16 x 3600 steps (1.5x the campaign)', config: { batchSize: 16, steps: 3600, warmupSteps: 180 } },
    { name: 'd128-L4-V4096-9.8M-b16x4800', factor: 'tokens: batch 16 x 4800 steps (2x the campaign)', config: { batchSize: 16, steps: 4800, warmupSteps: 240 } },
  ],
};

export const PLANS: Readonly<Record<string, SweepPlan>> = { quick, budget, optimiser, tokens, v1024: vocabPlan(1024), v2048: vocabPlan(2048) };
