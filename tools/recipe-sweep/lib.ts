/**
 * Shared pieces of the recipe sweep: one tokenizer, one training stream and one evaluation text for
 * every configuration, the real trainer (`trainModel`) and the real scorer (`CausalScorer`), so a
 * sweep row differs from a harness cell only in the factor it varies.
 */
import { createDataProvider, corpus } from '@labbench/corpora';
import { encodeDocuments, bitsPerByte, type TrainedTokenizer } from '@labbench/core';
import { DecoderLM, initBackend, trainModel, CausalScorer, crossEntropyLoss, fixedWindows, tf } from '@labbench/tensor';
import { bpe } from '@labbench/plugin-bpe';

export interface Corpus {
  readonly tokenizer: TrainedTokenizer;
  readonly train: Int32Array;
  readonly valid: Int32Array;
  readonly ood: Int32Array;
  readonly evalDocs: readonly string[];
  readonly evalTokens: number;
  readonly evalBytes: number;
  readonly counts: Float64Array;
}

/** Tokenizer on `tokenizerChars` of the default mixture; training stream of `trainChars`; eval = whole in-domain test documents. */
export async function prepareCorpus(o: { vocab: number; tokenizerChars: number; trainChars: number; evalChars: number; seed?: number }): Promise<Corpus> {
  const data = createDataProvider();
  const tokText = await data.trainingText({ mixture: 'default', maxChars: o.tokenizerChars, seed: 0 });
  const tokenizer = bpe.train(tokText, { vocabSize: o.vocab });
  const train = encodeDocuments(tokenizer, await data.trainingText({ mixture: 'default', maxChars: o.trainChars, seed: o.seed ?? 0 }));
  const valid = encodeDocuments(tokenizer, await data.validationText({ domain: 'in-domain', maxChars: 40_000 }));
  const ood = encodeDocuments(tokenizer, await data.validationText({ domain: 'out-of-domain', maxChars: 40_000 }));
  const evalDocs = evalDocuments(o.evalChars);
  const counts = new Float64Array(tokenizer.vocabSize);
  for (const id of train) counts[id]++;
  let evalTokens = 0;
  let evalBytes = 0;
  for (const d of evalDocs) { evalTokens += tokenizer.encode(d).length; evalBytes += Buffer.byteLength(d, 'utf8'); }
  return { tokenizer, train, valid, ood, evalDocs, evalTokens, evalBytes, counts };
}

/** Whole in-domain test documents (Brown, SOTU, Moby-Dick), interleaved by source, until `maxChars`. */
export function evalDocuments(maxChars: number): string[] {
  const bySource = (['brown', 'sotu', 'moby'] as const).map((s) => corpus(s).filter((d) => d.split === 'test').map((d) => d.text));
  const out: string[] = [];
  let chars = 0;
  for (let i = 0; chars < maxChars && bySource.some((docs) => i < docs.length); i++) {
    for (const docs of bySource) if (i < docs.length && chars < maxChars) { out.push(docs[i]); chars += docs[i].length; }
  }
  return out;
}

export interface RecipeConfig {
  readonly dModel: number;
  readonly layers: number;
  readonly heads: number;
  readonly ffnHidden: number;
  readonly activation: 'swiglu' | 'relu';
  readonly initStd: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
  readonly seed: number;
  /** Input scale of the token embedding (the decoder's default: sqrt-d). */
  readonly embeddingScale?: 'sqrt-d' | 'none';
}

export interface RecipeResult {
  readonly config: RecipeConfig;
  readonly bitsPerByte: number;
  readonly tokenPpl: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  readonly tokens: number;
  readonly params: number;
  readonly curve: { step: number; tokens: number; value: number }[];
  readonly valid: { step: number; tokens: number; value: number }[];
  /** Tokens of the validation windows the trainer scores (the targets the reference lines are scored on). */
  readonly validTargets: Int32Array;
}

// the trainer's validation windows (trainer.ts VALID_WINDOWS)
const VALID_WINDOWS = 32;

export async function backend() {
  return initBackend((process.env.LABBENCH_BACKEND as 'wasm') || 'auto');
}

/** Trains one configuration with the harness's trainer and scores the evaluation documents. */
export async function runRecipe(corpus: Corpus, config: RecipeConfig, checkpoints = 6): Promise<RecipeResult> {
  const { tokenizer } = corpus;
  const model = new DecoderLM({
    dModel: config.dModel, layers: config.layers, heads: config.heads, ffnHidden: config.ffnHidden, activation: config.activation,
    positions: 'learned', tiedEmbeddings: true, initStd: config.initStd, causal: true, seqLen: config.seqLen,
    embeddingScale: config.embeddingScale ?? 'sqrt-d',
  }, { vocabSize: tokenizer.vocabSize, seqLen: config.seqLen, seed: config.seed, tokenCounts: corpus.counts });
  const t0 = performance.now();
  const trained = await trainModel({
    model: { id: 'x' } as never, modelConfig: {}, loss: crossEntropyLoss, lossConfig: {}, tokenizer,
    trainTokens: corpus.train, validTokens: corpus.valid, oodTokens: new Int32Array(0), tokenCounts: corpus.counts,
    budget: { steps: config.steps, batchSize: config.batchSize, seqLen: config.seqLen, learningRate: config.learningRate, warmupSteps: config.warmupSteps, weightDecay: config.weightDecay, checkpoints },
    seed: config.seed,
  }, model);
  const t1 = performance.now();
  const scorer = new CausalScorer(model, tokenizer, config.seqLen, 32);
  const scores = await scorer.rollingLogLikelihood(corpus.evalDocs);
  const t2 = performance.now();
  const ll = scores.reduce((a, s) => a + s.logLikelihood, 0);
  const tokens = scores.reduce((a, s) => a + s.tokens, 0);
  const bytes = scores.reduce((a, s) => a + s.bytes, 0);
  const params = model.params().total;
  model.dispose();
  return {
    config, bitsPerByte: bitsPerByte(ll, bytes), tokenPpl: Math.exp(-ll / tokens), trainSeconds: (t1 - t0) / 1000, evalSeconds: (t2 - t1) / 1000,
    tokens: trained.record.tokens, params, curve: trained.record.trainLoss.map((p) => ({ ...p })), valid: trained.record.validLoss.map((p) => ({ ...p })),
    validTargets: fixedWindows(corpus.valid, config.seqLen, VALID_WINDOWS).targets,
  };
}

export { tf };
