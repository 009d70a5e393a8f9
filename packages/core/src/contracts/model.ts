import type { Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import type { TrainedTokenizer } from './tokenizer.js';

/**
 * Model contract: a factory that builds a language model (causal decoder or bidirectional encoder)
 * from a plain config object.
 *
 * Shapes: B batch, T positions, V vocabulary, D model width.
 */
export interface ModelBuildContext {
  readonly vocabSize: number;
  /** Maximum sequence length the model must accept. */
  readonly seqLen: number;
  /** Seed for parameter initialisation; the same seed gives bit-identical initial weights. */
  readonly seed: number;
  /** Extra data some models need at build time (e.g. MaskMoE's token frequencies). */
  readonly tokenCounts?: Float64Array;
  /** A trained model to convert (arms with `initFrom`); the factory copies what it reuses. */
  readonly initFrom?: LanguageModel;
}

export interface ForwardOptions {
  /** Training mode enables dropout and router noise where a model has them. */
  readonly training: boolean;
}

export interface ForwardOutput {
  /** [B, T, V] float32 logits. */
  readonly logits: Tensor3D;
  /** Scalar added to the training loss (e.g. MoE load balancing, DSMoE sparsity), already scaled. */
  readonly auxLoss?: Scalar;
  /**
   * Named statistics of this forward pass (router load, activation density, ...), as tensors so
   * that the runner reads them once per logging step. Names are `area.metricName`.
   */
  readonly stats?: Readonly<Record<string, Tensor>>;
}

/** Options of a model's own training objective (see `LanguageModel.objective`). */
export interface ObjectiveOptions extends ForwardOptions {
  /** The cell's tokenizer, for objectives that need word boundaries or special ids (whole-word masking). */
  readonly tokenizer: TrainedTokenizer;
}

export interface ObjectiveOutput {
  /** Scalar to minimise, auxiliary losses already included. */
  readonly loss: Scalar;
  /** Named statistics (tensors), `area.metricName`, recorded like ForwardOutput's. */
  readonly stats?: Readonly<Record<string, Tensor>>;
}

export interface ParamCount {
  /** All trainable parameters. */
  readonly total: number;
  /** Parameters used to process one token (MoE: shared + top-k experts). */
  readonly active: number;
}

export interface FlopsPerToken {
  /** Forward + backward (about 3x forward) per trained token. */
  readonly train: number;
  /** Forward only, per generated or scored token, at the model's full context. */
  readonly inference: number;
}

/** What the trainer passes to {@link LanguageModel.beginTraining}, before the first update. */
export interface TrainingStart {
  /** The cell's training stream (documents joined by the end-of-text id), in the arm-shared order. */
  readonly trainTokens: Int32Array;
  readonly seqLen: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly seed: number;
}

/** One phase of a model's own training plan. */
export interface TrainingPhase {
  readonly name: string;
  /** Share of the cell's steps, > 0; the fractions of a plan sum to 1. */
  readonly fraction: number;
  /** The variables this phase updates (a subset of `variables`); all others stay bit for bit unchanged. */
  readonly variables: readonly Variable[];
}

/**
 * What a model asks of the generic trainer (UniAttn: calibrate on domain data, record the loss
 * right after surgery, then train the compensation only, then everything).
 */
export interface TrainingPlan {
  /** Numbers measured before any update (e.g. `surgery.domainLoss`); land in `TrainingRecord.modelStats`. */
  readonly stats?: Readonly<Record<string, number | readonly number[]>>;
  /**
   * Phases in order. Each gets a fresh optimizer over its variables and its own warmup + cosine
   * schedule; variables outside a phase get no gradient and no weight decay in it. Absent: one
   * phase of all variables (the default training loop, unchanged).
   */
  readonly phases?: readonly TrainingPhase[];
}

export interface LanguageModel {
  readonly kind: 'causal' | 'encoder';
  /** The resolved config the model was built from (plugin defaults merged with overrides). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Trainable variables, in a fixed order (checkpoints rely on it). */
  readonly variables: readonly Variable[];
  /** ids [B, T] int32 -> logits [B, T, V]. Causal models: position t sees ids[0..t]. */
  forward(ids: Tensor2D, options: ForwardOptions): ForwardOutput;
  /**
   * Optional: the model's own training objective (masked LM, masked auto-encoding, contrastive ...).
   * When present the trainer minimises it instead of the study's loss on `forward` logits, and the
   * validation loss at checkpoints is this objective with `training: false` (no per-position
   * next-token curves). It builds its own batches from the sampler's windows:
   * ids [B, T] int32 and targets [B, T] (ids shifted by one). Random choices (masks) must be seeded
   * by the build seed; with `training: false` they must be the same on every call.
   */
  objective?(ids: Tensor2D, targets: Tensor2D, options: ObjectiveOptions): ObjectiveOutput;
  /** Analytic counts from the config, checked against `variables` by the contract suite. */
  params(): ParamCount;
  flopsPerToken(): FlopsPerToken;
  /** Frees every variable. */
  dispose(): void;
  /**
   * Optional: called once by the trainer before step 1 (never by evaluators or checkpoint loads).
   * A model may calibrate itself on the training stream here and return its training plan.
   */
  beginTraining?(start: TrainingStart): TrainingPlan;
  /**
   * Optional: what training changes outside `variables` (a generator's position, a step counter, a
   * controller's coefficient, routing probes), as a structured-clone value. A resumed training
   * calls `restoreTrainingState` with it after `beginTraining`, so that resuming gives the same bits
   * as training straight through; the contract suite checks this for every model plugin.
   */
  trainingState?(): unknown;
  restoreTrainingState?(state: unknown): void;
}

export interface ModelFactory<C extends object = Record<string, unknown>> {
  readonly id: string;
  readonly description: string;
  readonly kind: 'causal' | 'encoder';
  readonly defaults: C;
  /** JSON Schema (draft 2020-12) of the config; used to validate study overrides before training. */
  readonly configSchema?: object;
  create(config: Partial<C>, context: ModelBuildContext): LanguageModel;
  /**
   * Optional: the config of the same model without `component`, for knock-out control arms that
   * train from scratch (`StudyDefinition.knockouts`). Known components: `ffn` (FFN width 1),
   * `attention` (no attention in `layers`, all layers when absent), `routing` (uniform random
   * routing). `config` is the arm's own model config (overrides of the profile's size); the
   * result replaces it and must pass `configSchema`. Pure: never builds or changes a model.
   * Throws ContractError naming the factory and the component when the model has no such part.
   */
  knockout?(component: string, config: Readonly<Record<string, unknown>>, layers?: readonly number[]): Record<string, unknown>;
}
