import type { LanguageModel, ModelFactory } from './contracts/model.js';
import type { LossFunction } from './contracts/loss.js';
import type { Scorer, TrainingRecord } from './contracts/evaluator.js';
import type { TrainedTokenizer } from './contracts/tokenizer.js';

export type BackendName = 'tensorflow' | 'tensorflow-gpu' | 'wasm' | 'cpu';

export interface BackendInfo {
  readonly name: BackendName;
  /** Whether native (OpenBLAS) kernels were registered over the backend. */
  readonly nativeKernels: boolean;
}

export interface TrainingBudget {
  readonly steps: number;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  /** After warmup: cosine decay to 10% of the peak (default) or constant. */
  readonly schedule?: 'cosine' | 'constant';
  readonly weightDecay: number;
  /** Number of validation points (and per-position curves) over training. */
  readonly checkpoints: number;
}

export interface StepProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly tokensPerSecond: number;
  readonly etaSeconds: number;
}

/** A training step produced a NaN or infinite loss: only its cell fails. */
export class TrainingFault extends Error {
  constructor(readonly step: number, readonly reason: string) {
    super(`training fault at step ${step}: ${reason}`);
    this.name = 'TrainingFault';
  }
}

/**
 * The run is stopping (a signal: Ctrl-C, `scancel`, a Slurm time limit): the training saved a
 * snapshot after `step` and ended, so a rerun continues from there. Only its cell fails.
 */
export class TrainingStopped extends Error {
  constructor(readonly step: number) {
    super(`stopped after step ${step}: the run is stopping; a snapshot of that step was saved (unless a warning says it could not be), and a rerun continues from it`);
    this.name = 'TrainingStopped';
  }
}

export interface TrainRequest {
  readonly model: ModelFactory<any>;
  readonly modelConfig: Readonly<Record<string, unknown>>;
  readonly loss: LossFunction<any>;
  readonly lossConfig: Readonly<Record<string, unknown>>;
  readonly tokenizer: TrainedTokenizer;
  /** The training token stream (documents joined by the end-of-text id), in the arm-shared order. */
  readonly trainTokens: Int32Array;
  readonly validTokens: Int32Array;
  readonly oodTokens: Int32Array;
  readonly tokenCounts: Float64Array;
  readonly budget: TrainingBudget;
  readonly seed: number;
  /** A trained model to convert (arms with `initFrom`). */
  readonly initFrom?: LanguageModel;
  /** Test hook: make the loss NaN from this step on (reliability tests). */
  readonly injectNanAtStep?: number;
  /** Resumable training: snapshots saved as it goes, and the last one to continue from. */
  readonly snapshots?: TrainingSnapshots;
  onProgress?(progress: StepProgress): void;
}

/**
 * Where a training keeps its snapshots (the whole state after a step: weights, optimizer, data
 * position, the model's own training state, the curves so far), so that a killed run continues
 * from the last one with the same bits as a run that was never stopped. The engine owns the bytes.
 */
export interface TrainingSnapshots {
  /**
   * Least wall seconds of training between snapshots; 0 saves after every step (tests). A run with
   * snapshots off passes no `TrainingSnapshots` at all (`--snapshot-every 0`).
   */
  readonly everySeconds: number;
  /** The last snapshot saved for this training, if any. */
  load(): Uint8Array | undefined;
  /**
   * Stores the snapshot `encode` builds (atomically); never throws: a failed encoding or write
   * only loses the chance to resume.
   */
  save(encode: () => Uint8Array): void;
  /**
   * The last snapshot cannot be used (why): forget it. `restart`: nothing was assigned and the
   * training starts from step 1; `failed`: it was partly applied, and the training fails.
   */
  discard(reason: string, outcome: 'restart' | 'failed'): void;
  /**
   * True once the run is stopping: the trainer then saves a snapshot after the step it is in,
   * whatever `everySeconds` says, and ends with TrainingStopped. Polled after every step.
   */
  stopRequested?(): boolean;
}

export interface TrainedCell {
  readonly model: LanguageModel;
  readonly record: TrainingRecord;
}

/** The numeric side of the runner, implemented by @labbench/tensor; core never imports it. */
export interface TrainingEngine {
  readonly backend: BackendInfo;
  train(request: TrainRequest): Promise<TrainedCell>;
  scorer(model: LanguageModel, tokenizer: TrainedTokenizer, batchSize: number): Scorer;
  saveCheckpoint(model: LanguageModel, path: string): void;
  /** Builds the model from its factory and loads the weights; throws if the checksum fails. */
  loadCheckpoint(factory: ModelFactory<any>, config: Readonly<Record<string, unknown>>, context: { vocabSize: number; seqLen: number; seed: number; tokenCounts?: Float64Array }, path: string): LanguageModel;
}
