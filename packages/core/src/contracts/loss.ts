import type { Scalar, Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';

export interface LossOutput {
  /** Scalar loss averaged over non-padding targets. */
  readonly loss: Scalar;
  /** Named statistics (tensors), e.g. mean weight; read by the runner at logging steps. */
  readonly stats?: Readonly<Record<string, Tensor>>;
}

/** A training objective. Pure: same inputs, same outputs, no state between calls. */
export interface LossFunction<C extends object = Record<string, unknown>> {
  readonly id: string;
  readonly description: string;
  readonly defaults: C;
  readonly configSchema?: object;
  /**
   * @param logits  [B, T, V] float32
   * @param targets [B, T] int32; -1 marks padding and contributes nothing
   * Must hold: finite for finite logits; invariant to permuting batch rows.
   */
  compute(logits: Tensor3D, targets: Tensor2D, config: C): LossOutput;
}
