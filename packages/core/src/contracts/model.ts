import type { Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';

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

export interface LanguageModel {
  readonly kind: 'causal' | 'encoder';
  /** The resolved config the model was built from (plugin defaults merged with overrides). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Trainable variables, in a fixed order (checkpoints rely on it). */
  readonly variables: readonly Variable[];
  /** ids [B, T] int32 -> logits [B, T, V]. Causal models: position t sees ids[0..t]. */
  forward(ids: Tensor2D, options: ForwardOptions): ForwardOutput;
  /** Analytic counts from the config, checked against `variables` by the contract suite. */
  params(): ParamCount;
  flopsPerToken(): FlopsPerToken;
  /** Frees every variable. */
  dispose(): void;
}

export interface ModelFactory<C extends object = Record<string, unknown>> {
  readonly id: string;
  readonly description: string;
  readonly kind: 'causal' | 'encoder';
  readonly defaults: C;
  /** JSON Schema (draft 2020-12) of the config; used to validate study overrides before training. */
  readonly configSchema?: object;
  create(config: Partial<C>, context: ModelBuildContext): LanguageModel;
}
