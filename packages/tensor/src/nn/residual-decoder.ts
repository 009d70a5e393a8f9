import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, ForwardOutput } from '@labbench/core';
import { DecoderLM } from './decoder.js';
import type { BlockContext, BlockOutput, FeedForward } from './blocks.js';
import { rmsNorm } from '../ops/index.js';

/**
 * A feed-forward that owns its residual connection: several sequential sub-layers, each with its
 * own norm and residual (Finedeep's M expert sub-layers, CartesianMoE's two routed sub-layers).
 */
export interface ResidualFeedForward extends FeedForward {
  /**
   * @param h      [N, D] the residual stream after attention (not normalised)
   * @param normed [N, D] RMSNorm_ffn(h), the decoder's own pre-FFN norm
   * @returns y = the new residual stream [N, D] (not a delta), plus aux and stats as usual
   */
  applyResidual(h: tf.Tensor2D, normed: tf.Tensor2D, context: BlockContext): BlockOutput;
}

function ownsResidual(ffn: FeedForward): ffn is ResidualFeedForward {
  return typeof (ffn as Partial<ResidualFeedForward>).applyResidual === 'function';
}

/**
 * The reference decoder with two additions, for methods that need the residual stream:
 * feed-forwards that implement `applyResidual` get it, and `run()` also returns the per-pass shared
 * map holding, per layer l, `attn.input.<l>` (the normalised attention input [B, T, D]) and
 * `residual.attn.<l>` (the residual stream after attention, before the FFN [B, T, D]); UniAttn's
 * calibration reads them. With stock feed-forwards it computes exactly what DecoderLM does.
 */
export class ResidualDecoderLM extends DecoderLM {
  override forward(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    return this.run(ids, options).output;
  }

  run(ids: tf.Tensor2D, options: ForwardOptions): { output: ForwardOutput; shared: Map<string, tf.Tensor> } {
    const [batch, time] = ids.shape;
    const { dModel } = this.config;
    const tokenIds = tf.reshape(ids, [-1]) as tf.Tensor1D; // [N]
    const positions = tf.slice(this.positionEmbedding, [0, 0], [time, dModel]); // [T, D]
    let x = tf.add(tf.reshape(tf.gather(this.tokenEmbedding, tokenIds), [batch, time, dModel]), positions) as tf.Tensor3D; // [B, T, D]
    const shared = new Map<string, tf.Tensor>();
    const auxLosses: tf.Scalar[] = [];
    const stats: Record<string, tf.Tensor> = {};
    for (const [layer, block] of this.layers.entries()) {
      const context: BlockContext = { layer, training: options.training, tokenIds, batch, time, shared };
      const attnInput = rmsNorm(x, block.attnNorm) as tf.Tensor3D; // [B, T, D]
      shared.set(`attn.input.${layer}`, attnInput);
      const attn = block.attention.apply(attnInput, context);
      x = tf.add(x, attn.y) as tf.Tensor3D; // [B, T, D]
      shared.set(`residual.attn.${layer}`, x);
      const normed = tf.reshape(rmsNorm(x, block.ffnNorm), [batch * time, dModel]) as tf.Tensor2D; // [N, D]
      const ffnBlock = block.feedForward;
      const ffn = ownsResidual(ffnBlock)
        ? ffnBlock.applyResidual(tf.reshape(x, [batch * time, dModel]) as tf.Tensor2D, normed, context)
        : ffnBlock.apply(normed, context);
      x = (ownsResidual(ffnBlock) ? tf.reshape(ffn.y, [batch, time, dModel]) : tf.add(x, tf.reshape(ffn.y, [batch, time, dModel]))) as tf.Tensor3D;
      for (const out of [attn, ffn]) {
        if (out.aux) auxLosses.push(out.aux);
        for (const [name, value] of Object.entries(out.stats ?? {})) stats[`${name}.layer${layer}`] = value;
      }
    }
    const h = rmsNorm(x, this.finalNorm); // [B, T, D]
    const w = this.unembedding ?? tf.transpose(this.tokenEmbedding); // [D, V]
    const logits = tf.reshape(tf.matMul(tf.reshape(h, [-1, dModel]), w as tf.Tensor2D), [batch, time, -1]) as tf.Tensor3D; // [B, T, V]
    return { output: { logits, auxLoss: auxLosses.length > 0 ? (tf.addN(auxLosses) as tf.Scalar) : undefined, stats }, shared };
  }
}
