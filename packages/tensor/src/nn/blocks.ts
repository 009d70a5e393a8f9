import * as tf from '#tfjs';
import type { ParameterFactory } from './init.js';
import { rmsNorm, swiglu } from '../ops/index.js';
import { fusedAttentionSoftmax } from '../backend/kernels/attention-softmax.js';
import { fusedHeadsToRows } from '../backend/kernels/heads-to-rows.js';
import { fusedSplitHeads } from '../backend/kernels/split-heads.js';
import { fusedSwiGlu } from '../backend/kernels/swiglu.js';

/**
 * Shapes: B batch, T positions, D model width, H heads, Dh = D / H, F FFN hidden width,
 * N = B * T flattened tokens.
 */

export interface BlockOutput {
  readonly y: tf.Tensor;
  /** Scaled auxiliary loss to add to the objective (MoE balance, sparsity ...). */
  readonly aux?: tf.Scalar;
  /** Named statistics, `area.metric`, scalars or small vectors. */
  readonly stats?: Record<string, tf.Tensor>;
}

/** Per-forward context every block sees. */
export interface BlockContext {
  readonly layer: number;
  readonly training: boolean;
  /** [N] int32 token ids of the flattened batch (hash and mask routing need them). */
  readonly tokenIds: tf.Tensor1D;
  readonly batch: number;
  readonly time: number;
  /** State shared across the layers of one forward pass (UniAttn reuses attention probabilities). */
  readonly shared: Map<string, tf.Tensor>;
  /** [N, D] the residual stream after attention, before the FFN's pre-norm (feed-forwards only). */
  readonly residual?: tf.Tensor2D;
}

/** A feed-forward sublayer: [N, D] -> [N, D]. Plugins replace it (MoE, Finedeep, DSMoE). */
export interface FeedForward {
  apply(x: tf.Tensor2D, context: BlockContext): BlockOutput;
  /** Analytic parameter counts of this sublayer. */
  params(): { total: number; active: number };
  /** Forward multiply-adds x 2 per token. */
  flopsPerToken(): number;
}

/**
 * A feed-forward that owns its residual connection: several sequential sub-layers, each with its
 * own norm and residual (Finedeep's M expert sub-layers).
 */
export interface ResidualFeedForward extends FeedForward {
  /**
   * @param h      [N, D] the residual stream after attention (not normalised)
   * @param normed [N, D] RMSNorm_ffn(h), the decoder's own pre-FFN norm
   * @returns y = the new residual stream [N, D] (not a delta), plus aux and stats as usual
   */
  applyResidual(h: tf.Tensor2D, normed: tf.Tensor2D, context: BlockContext): BlockOutput;
}

export function ownsResidual(ffn: FeedForward): ffn is ResidualFeedForward {
  return typeof (ffn as Partial<ResidualFeedForward>).applyResidual === 'function';
}

/** An attention sublayer: [B, T, D] -> [B, T, D]. UniAttn replaces it. */
export interface Attention {
  apply(x: tf.Tensor3D, context: BlockContext): BlockOutput;
  params(): number;
  /** Forward FLOPs per token at context length T (projections + scores + mixing). */
  flopsPerToken(seqLen: number): number;
  /** Softmax evaluations and K-cache floats per token (UniAttn's efficiency metrics). */
  cost(seqLen: number): { softmaxRows: number; kCacheFloats: number };
}

/** x [..., In] @ w [In, Out], flattened to one 2-D matmul. */
export function linear(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
  const inner = x.shape[x.shape.length - 1]!;
  const out = tf.matMul(tf.reshape(x, [-1, inner]), w);
  return tf.reshape(out, [...x.shape.slice(0, -1), w.shape[1]]);
}

/** SwiGLU (or ReLU) MLP: the dense baseline's FFN. */
export class DenseFeedForward implements FeedForward {
  readonly wIn: tf.Variable; // [D, 2F] gate and up projections fused (SwiGLU) or [D, F] (ReLU)
  readonly wOut: tf.Variable; // [F, D]

  constructor(params: ParameterFactory, readonly dModel: number, readonly hidden: number, readonly activation: 'swiglu' | 'relu', std: number, outStd: number) {
    this.wIn = params.normal('ffn.wIn', [dModel, activation === 'swiglu' ? 2 * hidden : hidden], std);
    this.wOut = params.normal('ffn.wOut', [hidden, dModel], outStd);
  }

  /** Hidden activations [N, F] after the non-linearity (Finedeep's NSAR reads these). */
  hiddenActivations(x: tf.Tensor2D): tf.Tensor2D {
    const up = tf.matMul(x, this.wIn as tf.Tensor2D); // [N, 2F] or [N, F]
    if (this.activation === "relu") return tf.relu(up) as tf.Tensor2D;
    const fused = fusedSwiGlu(up as tf.Tensor2D); // one kernel and its gradient where registered (backend/kernels/swiglu.ts)
    if (fused) return fused;
    const [gate, value] = tf.split(up, 2, 1);
    return swiglu(gate, value) as tf.Tensor2D; // [N, F]
  }

  apply(x: tf.Tensor2D): BlockOutput {
    return { y: tf.matMul(this.hiddenActivations(x), this.wOut as tf.Tensor2D) }; // [N, D]
  }

  params() {
    const n = this.wIn.size + this.wOut.size;
    return { total: n, active: n };
  }

  flopsPerToken(): number {
    return 2 * (this.wIn.size + this.wOut.size);
  }
}

/** Multi-head self-attention (causal unless built for an encoder) with a fused QKV projection; heads split with rank-4 ops. */
export class CausalSelfAttention implements Attention {
  readonly wQkv: tf.Variable; // [D, 3D]
  readonly wO: tf.Variable; // [D, D]

  constructor(params: ParameterFactory, readonly dModel: number, readonly heads: number, std: number, outStd: number, readonly causal = true) {
    this.wQkv = params.normal('attn.wQkv', [dModel, 3 * dModel], std);
    this.wO = params.normal('attn.wO', [dModel, dModel], outStd);
  }

  /** [B, T, D] -> [B, H, T, Dh] */
  splitHeads(x: tf.Tensor, batch: number, time: number): tf.Tensor4D {
    return tf.transpose(tf.reshape(x, [batch, time, this.heads, this.dModel / this.heads]), [0, 2, 1, 3]);
  }

  /** Attention probabilities [B, H, T, T] from queries and keys. */
  probabilities(q: tf.Tensor4D, k: tf.Tensor4D, time: number): tf.Tensor4D {
    const scale = 1 / Math.sqrt(this.dModel / this.heads);
    // scale, mask and softmax in one kernel where registered (backend/kernels/attention-softmax.ts)
    const fused = fusedAttentionSoftmax(tf.matMul(q, k, false, true), scale, this.causal);
    if (fused) return fused as tf.Tensor4D;
    const scores = tf.mul(tf.matMul(q, k, false, true), scale); // [B, H, T, T]
    return tf.softmax(this.causal ? tf.add(scores, causalMask(time)) : scores) as tf.Tensor4D;
  }

  /** Mixes values with probabilities and projects out: -> [B, T, D]. */
  mix(probs: tf.Tensor4D, v: tf.Tensor4D, batch: number, time: number, wO: tf.Tensor2D = this.wO as tf.Tensor2D): tf.Tensor3D {
    const heads = tf.matMul(probs, v); // [B, H, T, Dh]
    // one copy kernel and its gradient where registered (backend/kernels/heads-to-rows.ts)
    const merged = fusedHeadsToRows(heads) ?? tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [batch * time, this.dModel]); // [N, D]
    return tf.reshape(tf.matMul(merged, wO), [batch, time, this.dModel]) as tf.Tensor3D;
  }

  apply(x: tf.Tensor3D, context: BlockContext): BlockOutput {
    const { batch, time } = context;
    const qkv = linear(x, this.wQkv as tf.Tensor2D); // [B, T, 3D]
    // one kernel and its gradient where registered (backend/kernels/split-heads.ts)
    const [q, k, v] = fusedSplitHeads(qkv, this.heads) ?? tf.split(qkv, 3, 2).map((t) => this.splitHeads(t, batch, time)); // 3 x [B, H, T, Dh]
    const probs = this.probabilities(q, k, time);
    context.shared.set(`attn.probs.${context.layer}`, probs);
    return { y: this.mix(probs, v, batch, time) };
  }

  params(): number {
    return this.wQkv.size + this.wO.size;
  }

  flopsPerToken(seqLen: number): number {
    return 2 * this.params() + 2 * 2 * seqLen * this.dModel;
  }

  cost(seqLen: number) {
    void seqLen;
    return { softmaxRows: this.heads, kCacheFloats: this.dModel };
  }
}

const masks = new Map<number, tf.Tensor2D>();
/** Additive causal mask [T, T]: 0 on and below the diagonal, -1e9 above. Built once per T and kept. */
export function causalMask(time: number): tf.Tensor2D {
  let mask = masks.get(time);
  if (!mask || mask.isDisposed) {
    mask = tf.tidy(() => tf.keep(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([time, time]), -1, 0)), -1e9) as tf.Tensor2D));
    masks.set(time, mask);
  }
  return mask;
}

export { rmsNorm };
