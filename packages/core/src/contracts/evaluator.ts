import type { TrainedTokenizer } from './tokenizer.js';
import type { LanguageModel } from './model.js';
import type { ResultRecord, TrainingLine } from '../results.js';

/**
 * The id of the board a metric lands on (one CSV per board). Boards are registered by plugins
 * (`definePlugin({ boards: [...] })`, see board.ts): the run and `publish` check that a record's
 * board is registered, so core holds no list of them.
 */
export type Board = string;

/**
 * One measured number: a result record without what the runner adds (study, arm, seed and
 * provenance). Fields are documented in `resultRecordSchema`, whose type this is a part of.
 */
export type MetricRecord = Pick<ResultRecord, 'board' | 'metric' | 'value' | 'stderr' | 'direction' | 'n' | 'details'>;

/** Log-likelihood of `continuation` given `context` (lm-eval's `loglikelihood`). */
export interface ContinuationRequest {
  readonly context: string;
  readonly continuation: string;
}
export interface ContinuationScore {
  /** Sum of natural-log probabilities of the continuation's tokens. */
  readonly logLikelihood: number;
  /** True when greedy decoding would have produced exactly the continuation's tokens. */
  readonly isGreedy: boolean;
  readonly tokens: number;
}
/** Whole-text log-likelihood over disjoint windows (lm-eval's `loglikelihood_rolling`). */
export interface RollingScore {
  readonly logLikelihood: number;
  readonly tokens: number;
  readonly bytes: number;
  /** Per-token natural-log probabilities, in order (for per-position and per-frequency metrics). */
  readonly tokenLogProbs?: Float32Array;
  readonly tokenIds?: Int32Array;
}
export interface GenerationOptions {
  readonly maxTokens: number;
  /** 0 means greedy. */
  readonly temperature: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly seed: number;
}
/** Per-token scores of a text under a causal model (detectors use these). */
export interface TokenScores {
  readonly tokenIds: Int32Array;
  /** ln p(token_t | prefix) */
  readonly logProbs: Float32Array;
  /** 1-based rank of the observed token among the vocabulary. */
  readonly ranks: Int32Array;
  /** Entropy (nats) of the predictive distribution at each position. */
  readonly entropies: Float32Array;
  /** E[ln p] and Var[ln p] under the model's own distribution (Fast-DetectGPT). */
  readonly expectedLogProbs: Float32Array;
  readonly varianceLogProbs: Float32Array;
}

/** What an evaluator may ask a trained causal model. Implemented once, in packages/tensor. */
export interface Scorer {
  readonly maxLength: number;
  logLikelihood(requests: readonly ContinuationRequest[]): Promise<ContinuationScore[]>;
  rollingLogLikelihood(texts: readonly string[], options?: { keepTokens?: boolean }): Promise<RollingScore[]>;
  generate(prompts: readonly string[], options: GenerationOptions): Promise<string[]>;
  tokenScores(texts: readonly string[]): Promise<TokenScores[]>;
}

/** A trained cell as evaluators see it. */
export interface EvalSubject {
  readonly tokenizer: TrainedTokenizer;
  /** Absent for tokenizer-only arms (model `none`). */
  readonly model?: LanguageModel;
  /** Present for causal models. */
  readonly scorer?: Scorer;
  /** Training record of the cell: loss curves and per-position validation losses at checkpoints. */
  readonly training?: TrainingRecord;
  /** Occurrences of each token id in the cell's training stream (frequency buckets); absent without a model. */
  readonly tokenCounts?: Float64Array;
  /**
   * The cell's training token stream (documents joined by the end-of-text id), in the order the
   * arm trains on it: count-model references train on exactly what the network saw. Lazy, since
   * tokenizer-only arms rarely need it.
   */
  readonly trainTokens?: () => Promise<Int32Array>;
  /** Tokens the arm's budget trains on (steps x batch x context); 0 for tokenizer-only arms. */
  readonly budgetTokens?: number;
}

/**
 * Training record of a cell: loss curves, per-position validation losses at checkpoints (mean
 * loss in nats at each position 0..T-1 over fixed full-length windows) and model statistics
 * averaged over the last logging window (router load, activation density ...). The type of the
 * `training` field of `trainingLineSchema`: a value is null where JSON has no number (a NaN loss
 * or statistic is written as null, so a record read back from a cache or file has null there).
 */
export type TrainingRecord = TrainingLine['training'];
export type CurvePoint = TrainingRecord['trainLoss'][number];
export type PositionCurve = TrainingRecord['positionLosses'][number];

export interface EvalContext {
  readonly seed: number;
  /** Caps from the profile: how many items/documents/tokens an evaluator may use. */
  readonly limits: EvalLimits;
  /** Evaluation data, loaded by the runner from the datasets package. */
  readonly data: EvalData;
  /** Evaluator-specific options from the study. */
  readonly options: Readonly<Record<string, unknown>>;
  log(message: string): void;
}

export interface EvalLimits {
  readonly documents: number;
  readonly items: number;
  readonly maxChars: number;
}

export interface EvalDocument {
  readonly source: string;
  readonly id: string;
  readonly text: string;
}

/** Data an evaluator can draw on; everything here is held out from training. */
export interface EvalData {
  /** In-domain held-out documents (test split by default), per source. */
  inDomain(): Promise<readonly EvalDocument[]>;
  /** Out-of-domain held-out documents. */
  outOfDomain(): Promise<readonly EvalDocument[]>;
  /** A named evaluation set (cloze, multiple-choice, dialogue, detection prompts ...) as JSON items. */
  set<T = unknown>(name: string): Promise<readonly T[]>;
}

/** What `labbench plan` tells an evaluator about a cell, to size its work. */
export interface EvaluatorWorkInput {
  /** Tokens the cell's model trains on. */
  readonly trainTokens: number;
  /** The profile's context length. */
  readonly seqLen: number;
  readonly limits: EvalLimits;
  /** The evaluator's options from the study. */
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * Work beyond scoring the profile's evaluation text, in tokens of a model the size of the cell's:
 * models the evaluator trains (forward, backward, update) and tokens it runs forward (generation,
 * perturbed texts). The plan prices them like the cell's own training and scoring.
 */
export interface EvaluatorWork {
  readonly trainTokens: number;
  readonly inferenceTokens: number;
}

export interface Evaluator {
  readonly id: string;
  readonly description: string;
  readonly boards: readonly Board[];
  /** Which models it can evaluate. */
  readonly requires: 'causal' | 'encoder' | 'tokenizer' | 'any';
  evaluate(subject: EvalSubject, context: EvalContext): Promise<MetricRecord[]>;
  /**
   * Its work beyond scoring, for an evaluator that is a study in itself (one that trains models or
   * generates a corpus). Without it the plan counts scoring only (plan-cost.ts), which undercounts
   * such an evaluator by several times the cell's own training.
   */
  work?(input: EvaluatorWorkInput): EvaluatorWork;
}
