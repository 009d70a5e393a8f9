import { ConfigError, ContractError, type Evaluator, type RollingScore, type Scorer, type TrainedTokenizer } from '@labbench/core';
import { perplexity } from '@labbench/plugin-perplexity';
import { logLikelihood, trainUnigram, trainWittenBellBigram, type CountModel } from './count-models.js';

/** Options a study (or the planner) passes: which count model, its smoothing and token budget. */
export interface ReferenceOptions {
  readonly model: 'unigram' | 'bigram';
  /** Add-k constant of the unigram (also the bigram's lower order); default 1. */
  readonly k?: number;
  /** Train on the first this-many tokens of the stream (the LM arm's budget); default the subject's budget, else the whole stream. */
  readonly trainTokens?: number;
}

const DESCRIPTIONS = { unigram: 'add-k unigram', bigram: 'interpolated Witten-Bell bigram over an add-k unigram' } as const;

function readOptions(raw: Readonly<Record<string, unknown>>): ReferenceOptions {
  const where = 'evaluator reference-lm › options';
  if (raw.model !== 'unigram' && raw.model !== 'bigram') {
    throw new ConfigError(`${where}.model`, `model must be 'unigram' or 'bigram', got ${JSON.stringify(raw.model)}.`, "Set options: { model: 'bigram' } (the planner does this for ref-unigram / ref-bigram arms).");
  }
  for (const key of ['k', 'trainTokens'] as const) {
    const value = raw[key];
    if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new ConfigError(`${where}.${key}`, `${key} must be a positive number, got ${JSON.stringify(value)}.`, `Remove ${key} to use the default.`);
    }
  }
  return raw as unknown as ReferenceOptions;
}

/**
 * A Scorer over a count model with only what the perplexity evaluator asks for, so reference rows
 * are computed by the very same code: same documents, sources, encoding and metric names.
 */
function countScorer(model: CountModel, tokenizer: TrainedTokenizer): Scorer {
  const unsupported = (): never => {
    throw new ContractError('reference-lm scorer', 'count models only answer rolling log-likelihoods.', 'Use the reference-lm evaluator alone on reference arms.');
  };
  return {
    maxLength: Number.MAX_SAFE_INTEGER, // no window: a bigram only ever looks one token back
    async rollingLogLikelihood(texts: readonly string[]): Promise<RollingScore[]> {
      return texts.map((text) => {
        const ids = tokenizer.encode(text);
        return { logLikelihood: logLikelihood(model, ids, tokenizer.eosId), tokens: ids.length, bytes: Buffer.byteLength(text, 'utf8') };
      });
    },
    logLikelihood: unsupported,
    generate: unsupported,
    tokenScores: unsupported,
  };
}

export const referenceLm: Evaluator = {
  id: 'reference-lm',
  description: 'Count-model reference rows (add-k unigram, Witten-Bell bigram) trained on the cell\'s training stream, scored like `perplexity`.',
  boards: ['ppl'],
  requires: 'tokenizer',
  async evaluate(subject, context) {
    const options = readOptions(context.options);
    if (!subject.trainTokens) {
      throw new ContractError('evaluator reference-lm', 'the runner passed no training stream (EvalSubject.trainTokens).', 'Run it through labbench run, which gives every cell its stream.');
    }
    const stream = await subject.trainTokens();
    const budget = options.trainTokens ?? (subject.budgetTokens && subject.budgetTokens > 0 ? subject.budgetTokens : stream.length);
    const used = stream.subarray(0, Math.min(budget, stream.length)); // the first tokens the LM arm's stream holds
    const { vocabSize } = subject.tokenizer;
    const model = options.model === 'unigram' ? trainUnigram(used, vocabSize, { k: options.k }) : trainWittenBellBigram(used, vocabSize, { k: options.k });
    context.log(`${DESCRIPTIONS[options.model]} on ${used.length} of ${stream.length} stream tokens`);
    const records = await perplexity.evaluate({ tokenizer: subject.tokenizer, scorer: countScorer(model, subject.tokenizer) }, context);
    const reference = { reference: options.model, smoothing: DESCRIPTIONS[options.model], k: options.k ?? 1, trainTokens: used.length, streamTokens: stream.length };
    return records.map((r) => {
      const { window, ...rest } = (r.details ?? {}) as Record<string, unknown>;
      void window;
      return { ...r, details: { ...rest, ...reference, context: options.model === 'bigram' ? 'previous token' : 'none' } };
    });
  },
};
