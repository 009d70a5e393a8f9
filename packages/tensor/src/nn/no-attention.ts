import * as tf from '#tfjs';
import type { Attention, BlockContext, BlockOutput } from './blocks.js';

/**
 * The attention knock-out (`attentionFreeLayers`): the sublayer adds nothing to the residual
 * stream, so the layer's position mixes no other positions. No parameters, no FLOPs. The output
 * is `x * 0` rather than a fresh zero tensor so the layer's unused pre-norm weight stays on the
 * gradient tape (its gradient is zero; the optimiser expects one per variable).
 */
export class NoAttention implements Attention {
  apply(x: tf.Tensor3D, context: BlockContext): BlockOutput {
    void context;
    return { y: tf.mul(x, 0) }; // [B, T, D] zeros
  }

  params(): number {
    return 0;
  }

  flopsPerToken(seqLen: number): number {
    void seqLen;
    return 0;
  }

  cost(seqLen: number): { softmaxRows: number; kCacheFloats: number } {
    void seqLen;
    return { softmaxRows: 0, kCacheFloats: 0 };
  }
}
