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
export const PARITY_CONFIG: RecipeConfig = { ...QUICK_BEFORE, steps: 2000 };
export const PARITY_CORPUS = { vocab: 1024, tokenizerChars: 1_000_000, trainChars: 6_000_000, evalChars: 200_000 };

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

const seeds = (name: string, factor: string, config: Partial<RecipeConfig>): SweepRun[] =>
  [1, 2].map((seed) => ({ name: `${name}/s${seed}`, factor, config: { ...config, seed } }));

/** The quick profile's budget (153,600 tokens): which recipe factors matter. */
const quick: SweepPlan = {
  corpus: { vocab: 1024, tokenizerChars: 1_000_000, trainChars: 921_600, evalChars: 420_000 },
  base: { ...QUICK_BEFORE, embeddingScale: 'sqrt-d' },
  runs: [
    ...seeds('before', 'GPT-2 input (no embedding scale), the old recipe', { embeddingScale: 'none' }),
    ...seeds('sqrt-d', 'embedding x sqrt(D) (the new default)', {}),
    ...seeds('sqrt-d+init0.05', 'init std 0.05', { initStd: 0.05 }),
    ...seeds('sqrt-d+lr1e-3', 'peak LR 1e-3', { learningRate: 1e-3 }),
    ...seeds('sqrt-d+lr1e-2', 'peak LR 1e-2', { learningRate: 1e-2 }),
    ...seeds('sqrt-d+warmup5', 'warmup 5 steps', { warmupSteps: 5 }),
    ...seeds('sqrt-d+relu', 'ReLU FFN at equal parameters', { activation: 'relu', ffnHidden: 384 }),
    ...seeds('sqrt-d+ffn1', 'SwiGLU FFN of width 1 (knock-out)', { ffnHidden: 1 }),
    ...seeds('before+ffn1', 'old recipe, SwiGLU FFN of width 1', { embeddingScale: 'none', ffnHidden: 1 }),
  ],
};

/** Budgets toward the campaign: the dense baseline against the bigram as tokens grow. */
const budget: SweepPlan = {
  corpus: { vocab: 1024, tokenizerChars: 1_000_000, trainChars: 24_000_000, evalChars: 420_000 },
  base: { ...QUICK_BEFORE, embeddingScale: 'sqrt-d', batchSize: 16 },
  checkpoints: 12,
  runs: [
    { name: 'd64-L2-0.6M', factor: 'tokens', config: { steps: 600 } },
    { name: 'd64-L2-1.2M', factor: 'tokens', config: { steps: 1200 } },
    { name: 'd64-L2-2.5M', factor: 'tokens', config: { steps: 2400 } },
    { name: 'd128-L2-1.2M', factor: 'model size', config: { steps: 1200, dModel: 128, heads: 4, ffnHidden: 512, learningRate: 2e-3 } },
  ],
};

export const PLANS: Readonly<Record<string, SweepPlan>> = { quick, budget };
