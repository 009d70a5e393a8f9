import { exportHuggingFace } from './hf-export.js';
/**
 * The two tokenizer factories. They share one code path: `scaffold-bpe` is `bpe` with the
 * marking step of Algorithm 1 switched on (spec 6.1: same pretokenization, tie-breaking and N).
 */
import type { TokenizerFactory, TokenizerTrainOptions } from './core.js';
import { resolveOptions, type BpeOptions, type TokenizerType } from './config.js';
import { configError } from './errors.js';
import { compilePattern, countPieces, PRETOKENIZERS } from './pretokenize.js';
import { TIE_BREAK_RULE } from './queue.js';
import { tokenizerFromJSON } from './serialize.js';
import { DEFAULT_CACHE_SIZE } from './encoder.js';
import { BpeTokenizer, FORMAT_VERSION, modelOf, type BpeTokenizerJSON } from './tokenizer.js';
import { trainMerges, type TrainOutcome } from './train.js';
import { trainingStats } from './training-stats.js';
import { WordStore } from './words.js';

export interface TrainDetails {
  readonly tokenizer: BpeTokenizer;
  readonly outcome: TrainOutcome;
  readonly words: WordStore;
  readonly options: BpeOptions;
}

/** Trains and returns the internals too (tests and benchmarks use them). */
export function trainDetailed(type: TokenizerType, corpus: Iterable<string>, raw: Readonly<Record<string, unknown>>,
  debug: { trace?: boolean } = {}): TrainDetails {
  const options = resolveOptions(type, raw);
  const pattern = PRETOKENIZERS[options.pretokenizer];
  const words = WordStore.fromPieces(countPieces(corpus, compilePattern(pattern, `${type}.train`), options.specialTokens));
  const outcome = trainMerges(words, {
    targetSize: options.vocabSize, scaffold: type === 'scaffold-bpe', specialCount: options.specialTokens.length,
    pairsFirst: options.tieBreak === 'pairs-first', duplicateMerges: options.duplicateMerges, trace: debug.trace ?? false,
  });
  if (outcome.exhausted && options.onExhausted === 'error') {
    throw configError(`${type}.train › vocabSize`,
      `the corpus ran out of pairs at ${outcome.tokens.size} tokens, before reaching vocabSize ${options.vocabSize}.`,
      "Use a larger corpus, a smaller vocabSize, or onExhausted: 'stop'.");
  }
  const merges: [number, number][] = [];
  for (let r = 0; r < outcome.results.length; r++) merges.push([outcome.merges[2 * r], outcome.merges[2 * r + 1]]);
  const scaffold: number[] = [];
  for (let t = 0; t < outcome.tokens.size; t++) if (outcome.tokens.scaffold[t]) scaffold.push(t);
  const draft: BpeTokenizerJSON = {
    type, version: FORMAT_VERSION, options,
    pretokenizer: { name: options.pretokenizer, pattern },
    tieBreakRule: TIE_BREAK_RULE.replace('{pairs|tokens}', options.tieBreak === 'pairs-first' ? 'pairs' : 'scaffold tokens'),
    specialTokens: options.specialTokens, merges, scaffold, stats: null,
  };
  // the stats need the model (demolition); the tokenizer reuses it
  const model = modelOf(draft, `${type}.train`);
  const stats = trainingStats(words, outcome, model, options.vocabSize);
  const tokenizer = new BpeTokenizer({ ...draft, stats }, `${type}.train`, DEFAULT_CACHE_SIZE, model);
  return { tokenizer, outcome, words, options };
}

function factory(type: TokenizerType, description: string): TokenizerFactory {
  return {
    id: type,
    description,
    train: (corpus: Iterable<string>, options: TokenizerTrainOptions) => trainDetailed(type, corpus, options).tokenizer,
    fromJSON: (json) => tokenizerFromJSON(json, type),
    toHuggingFace: (tokenizer) => exportHuggingFace(tokenizer as BpeTokenizer),
  };
}

export const bpe = factory('bpe',
  'Byte-level BPE (GPT-2-like pretokenization, digits split, <|endoftext|> pinned); the Scaffold-BPE baseline.');
export const scaffoldBpe = factory('scaffold-bpe',
  'Scaffold-BPE (Lian et al. 2024): BPE that flags low-frequency stepping-stone tokens as scaffold and demolishes them when encoding.');
