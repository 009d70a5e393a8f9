import { CausalSelfAttention, linear, tf, type Attention, type BlockContext, type BlockOutput, type ParameterFactory } from '@labbench/tensor';
import type { LayerRole, UniAttnConfig } from './config.js';

/** Shared switch: `unify: false` makes every layer compute its own attention (the base model). */
export interface UnifyMode {
  unify: boolean;
}

/**
 * Attention of one UniAttn layer (spec §4.2). Variables keep the reference attention's names
 * (`attn.wQkv` [d, 3d], `attn.wO` [d, d]) and seeds, so a trained dense model converts by name
 * and a model without reuse layers is the base model bit for bit. A reuse layer:
 * - 'softmax' / 'uniattn': A_l := A_anchor (not detached), V_l = x W_V,l, o = W_O concat(A V)
 *   (+ x W_c for 'uniattn'); its W_Q, W_K columns are unused (zero gradient);
 * - 'cla': own Q_l with the anchor's K and V.
 */
export class UniAttention extends CausalSelfAttention {
  readonly wC?: tf.Variable; // [d, d] compensation ('uniattn' reuse layers), zero until calibrated

  constructor(
    params: ParameterFactory,
    readonly c: UniAttnConfig,
    readonly layer: number,
    readonly info: LayerRole,
    readonly mode: UnifyMode,
    std: number,
    outStd: number,
  ) {
    super(params, c.dModel, c.heads, std, outStd, true);
    if (info.role === 'reuse' && c.variant === 'uniattn') this.wC = params.zeros('attn.wC', [c.dModel, c.dModel]);
  }

  /** Columns [from, from + d) of W_qkv: a slice, so the other columns get exactly zero gradient. */
  private project(x: tf.Tensor3D, from: number, context: BlockContext): tf.Tensor4D {
    const d = this.dModel;
    const w = tf.slice(this.wQkv, [0, from], [d, d]) as tf.Tensor2D; // [d, d]
    return this.splitHeads(linear(x, w), context.batch, context.time); // [B, H, T, Dh]
  }

  override apply(x: tf.Tensor3D, context: BlockContext): BlockOutput {
    const { batch, time, shared } = context;
    const reuse = this.info.role === 'reuse' && this.mode.unify;
    if (!reuse) {
      if (this.info.role !== 'anchor' || this.c.variant !== 'cla') return super.apply(x, context);
      const [q, k, v] = tf.split(linear(x, this.wQkv as tf.Tensor2D), 3, 2).map((t) => this.splitHeads(t, batch, time)); // 3 x [B, H, T, Dh]
      shared.set(`uniattn.k.${this.layer}`, k);
      shared.set(`uniattn.v.${this.layer}`, v);
      const probs = this.probabilities(q, k, time); // [B, H, T, T]
      shared.set(`attn.probs.${this.layer}`, probs);
      return { y: this.mix(probs, v, batch, time) };
    }
    const d = this.dModel;
    if (this.c.variant === 'cla') {
      const q = this.project(x, 0, context); // [B, H, T, Dh]
      const probs = this.probabilities(q, shared.get(`uniattn.k.${this.info.anchor}`) as tf.Tensor4D, time); // [B, H, T, T]
      shared.set(`attn.probs.${this.layer}`, probs);
      return { y: this.mix(probs, shared.get(`uniattn.v.${this.info.anchor}`) as tf.Tensor4D, batch, time) };
    }
    const probs = shared.get(`attn.probs.${this.info.anchor}`) as tf.Tensor4D; // [B, H, T, T], the anchor's A
    shared.set(`attn.probs.${this.layer}`, probs);
    const v = this.project(x, 2 * d, context); // [B, H, T, Dh]
    const y = this.mix(probs, v, batch, time); // [B, T, d]
    return { y: this.wC ? tf.add(y, linear(x, this.wC as tf.Tensor2D)) : y };
  }

  override params(): number {
    return super.params() + (this.wC?.size ?? 0);
  }

  /** Parameters a token does not use: W_Q, W_K of softmax-reuse layers; W_K, W_V of CLA reuse layers. */
  unusedParams(): number {
    return this.info.role === 'reuse' ? 2 * this.dModel * this.dModel : 0;
  }

  override flopsPerToken(seqLen: number): number {
    if (this.info.role !== 'reuse') return super.flopsPerToken(seqLen);
    const d = this.dModel;
    if (this.c.variant === 'cla') return 2 * 2 * d * d + 2 * 2 * seqLen * d; // Q, O; scores and mixing
    return 2 * (2 * d * d + (this.wC?.size ?? 0)) + 2 * seqLen * d; // V, O (+ W_c); mixing only
  }

  override cost(seqLen: number): { softmaxRows: number; kCacheFloats: number; vCacheFloats: number } {
    void seqLen;
    const d = this.dModel;
    if (this.info.role !== 'reuse') return { softmaxRows: this.heads, kCacheFloats: d, vCacheFloats: d };
    return this.c.variant === 'cla' ? { softmaxRows: this.heads, kCacheFloats: 0, vCacheFloats: 0 } : { softmaxRows: 0, kCacheFloats: 0, vCacheFloats: d };
  }
}

/**
 * LLMDrop-style reuse layer: the attention sub-block is removed (no variables, no cache). It
 * returns 0 * x so that the decoder's attention norm, still built, stays connected (zero gradient).
 */
export class DroppedAttention implements Attention {
  apply(x: tf.Tensor3D): BlockOutput {
    return { y: tf.mul(x, 0) };
  }

  params(): number {
    return 0;
  }

  flopsPerToken(): number {
    return 0;
  }

  cost() {
    return { softmaxRows: 0, kCacheFloats: 0, vCacheFloats: 0 };
  }
}
