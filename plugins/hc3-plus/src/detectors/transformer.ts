import type { LanguageModel, ModelFactory, TrainedTokenizer, TrainingBudget } from '@labbench/core';
import { Rng } from '@labbench/core';
import { CausalScorer, DecoderLM, copyMatchingWeights, decoderDefaults, trainModel, type DecoderConfig, crossEntropyLoss } from '@labbench/tensor';
import { majorityVote, voteOf, type Vote } from './vote.js';

/** How the benchmark trains its own transformers (the second generator and the detectors). */
export interface TrainSettings {
  readonly tokenizer: TrainedTokenizer;
  /** The cell's model: its config is reused, and fine-tuning starts from its weights. */
  readonly base: LanguageModel;
  readonly seqLen: number;
  readonly batchSize: number;
  readonly learningRate: number;
}

const SCORING_BATCH = 16;

// A stand-in factory for the TrainRequest (trainModel only trains the model it is given).
const reference: ModelFactory<DecoderConfig> = {
  id: 'hc3-plus-reference', kind: 'causal', description: 'the reference decoder', defaults: decoderDefaults,
  create: (config, context) => new DecoderLM({ ...decoderDefaults, ...config, seqLen: context.seqLen }, context),
};

/** Documents joined by end-of-text, as the runner's training streams are. */
export function tokenStream(tokenizer: TrainedTokenizer, texts: readonly string[]): Int32Array {
  const parts = texts.map((t) => tokenizer.encode(t));
  const out = new Int32Array(parts.reduce((a, p) => a + p.length + 1, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; out[at++] = tokenizer.eosId; }
  return out;
}

/**
 * Trains a reference decoder with the cell's config through @labbench/tensor's trainModel (the one
 * training loop): from scratch, or from the cell's weights when `fromBase` (fine-tuning).
 */
export async function trainTransformer(settings: TrainSettings, texts: readonly string[], steps: number, seed: number, fromBase: boolean): Promise<LanguageModel> {
  const { tokenizer, seqLen, batchSize } = settings;
  const config = { ...decoderDefaults, ...(settings.base.config as Partial<DecoderConfig>), seqLen };
  const model = reference.create(config, { vocabSize: tokenizer.vocabSize, seqLen, seed });
  if (fromBase) copyMatchingWeights(settings.base, model);
  let trainTokens = tokenStream(tokenizer, texts);
  while (trainTokens.length <= seqLen + 1) trainTokens = Int32Array.from([...trainTokens, ...trainTokens]); // tiny sets: repeat
  const budget: TrainingBudget = { steps, batchSize, seqLen, learningRate: settings.learningRate, warmupSteps: Math.max(1, Math.round(steps / 10)), weightDecay: 0.1, checkpoints: 1 };
  const empty = new Int32Array(0); // no validation curves for these helper models
  try {
    await trainModel({ model: reference, modelConfig: config, loss: crossEntropyLoss, lossConfig: {}, tokenizer, trainTokens, validTokens: empty, oodTokens: empty, tokenCounts: new Float64Array(tokenizer.vocabSize), budget, seed }, model);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * The RoBERTa-classifier analogue (deviation: generative, no classification head): two copies of
 * the corpus-pretrained cell model are fine-tuned, one on the human and one on the machine training
 * texts; the score is the mean token log-likelihood ratio, machine minus human.
 */
export async function fitTransformerClassifier(settings: TrainSettings, texts: readonly string[], labels: readonly (0 | 1)[], steps: number, seed: number): Promise<{ score(texts: readonly string[]): Promise<number[]>; dispose(): void }> {
  const human = await trainTransformer(settings, texts.filter((_, i) => labels[i] === 0), steps, seed, true);
  const machine = await trainTransformer(settings, texts.filter((_, i) => labels[i] === 1), steps, seed + 1, true);
  const meanLl = async (model: LanguageModel, xs: readonly string[]) =>
    (await new CausalScorer(model, settings.tokenizer, settings.seqLen, SCORING_BATCH).rollingLogLikelihood(xs)).map((s) => s.logLikelihood / Math.max(1, s.tokens));
  return {
    async score(xs) {
      const [h, m] = [await meanLl(human, xs), await meanLl(machine, xs)];
      return xs.map((_, i) => m[i] - h[i]);
    },
    dispose() { human.dispose(); machine.dispose(); },
  };
}

/**
 * Instruction templates of the Tk-instruct analogue. The question comes after the text, so that it
 * and the answer stay inside the model's window; the answer is ' human' or ' model' (HC3 Plus's
 * words). [deviation] No in-context examples: they do not fit a 32-64 token window.
 */
export const TEMPLATES: readonly ((text: string) => string)[] = [
  (t) => `${t}\nQuestion: was the text above written by a human or a model? Answer:`,
  (t) => `${t}\nWho wrote this, a human or a model? Answer:`,
  (t) => `${t}\nOutput 'human' if a person wrote the text, 'model' if it was generated:`,
  (t) => `${t}\nThe author of this passage is a`,
  (t) => `${t}\nLabel (human or model):`,
];
export const ANSWERS = { human: ' human', machine: ' model' } as const;

/**
 * The instruction-tuned detector: the cell model fine-tuned on "text + template + answer"
 * examples, one seeded template per example; at test every template votes (answer likelihoods)
 * and `majorityVote` decides, ties to machine. The continuous score (for AUROC) is the mean
 * answer log-likelihood margin, machine minus human.
 */
export async function fitInstructionDetector(settings: TrainSettings, texts: readonly string[], labels: readonly (0 | 1)[], steps: number, seed: number): Promise<{ predict(texts: readonly string[]): Promise<{ scores: number[]; decisions: ('human' | 'machine')[] }>; dispose(): void }> {
  const rng = new Rng(seed);
  const examples = texts.map((t, i) => TEMPLATES[rng.int(0, TEMPLATES.length - 1)](t) + (labels[i] === 1 ? ANSWERS.machine : ANSWERS.human));
  const model = await trainTransformer(settings, examples, steps, seed, true);
  const scorer = new CausalScorer(model, settings.tokenizer, settings.seqLen, SCORING_BATCH);
  return {
    async predict(xs) {
      const requests = xs.flatMap((x) => TEMPLATES.flatMap((template) => [ANSWERS.human, ANSWERS.machine].map((continuation) => ({ context: template(x), continuation }))));
      const ll = (await scorer.logLikelihood(requests)).map((s) => s.logLikelihood);
      const per = 2 * TEMPLATES.length;
      const scores: number[] = [];
      const decisions: ('human' | 'machine')[] = [];
      xs.forEach((_, i) => {
        const votes: Vote[] = [];
        let margin = 0;
        for (let k = 0; k < TEMPLATES.length; k++) {
          const [h, m] = [ll[i * per + 2 * k], ll[i * per + 2 * k + 1]];
          votes.push(voteOf(h, m));
          margin += (m - h) / TEMPLATES.length;
        }
        scores.push(margin);
        decisions.push(majorityVote(votes));
      });
      return { scores, decisions };
    },
    dispose() { model.dispose(); },
  };
}
