/**
 * Names of the kernels labbench registers, in one list (like tfjs-core's kernel_names.ts). The
 * tfjs kernels it patches keep tfjs's own names (`BatchMatMul`, `_FusedMatMul`, ... exported by
 * @tensorflow/tfjs); these are labbench's fused kernels. @labbench/tensor-native receives them
 * from here when it registers its implementations, so the two packages cannot disagree.
 */

/** Fused sparse softmax-cross-entropy: inputs { logits [N, V], targets [N] int32 }, outputs [nll [N], grad [N, V]]. */
export const SOFTMAX_CROSS_ENTROPY = 'LabbenchSoftmaxCrossEntropy';

/** Fused Adam(W) update: inputs { x, g, m, v }, attrs AdamUpdateConfig, outputs [x', m', v']. */
export const ADAM_UPDATE = 'LabbenchAdamUpdate';

/** RMSNorm over the last axis: inputs { x [..., D], gain [D] }, attrs { eps }, outputs [y, rinv [rows]] (1 / rms per row, saved for the gradient). */
export const RMS_NORM = 'LabbenchRmsNorm';
/** Its gradient: inputs { dy, x, gain, rinv }, outputs [dx, dgain]. */
export const RMS_NORM_GRAD = 'LabbenchRmsNormGrad';

/** LayerNorm over the last axis: inputs { x [..., D], gain [D], bias [D] }, attrs { eps }, outputs [y, mean [rows], rstd [rows]]. */
export const LAYER_NORM = 'LabbenchLayerNorm';
/** Its gradient: inputs { dy, x, gain, mean, rstd }, outputs [dx, dgain, dbias]. */
export const LAYER_NORM_GRAD = 'LabbenchLayerNormGrad';

/** SwiGLU of a fused gate/up projection: input { x [N, 2F] } (gate | value), output silu(gate) * value [N, F]. */
export const SWIGLU = 'LabbenchSwiGlu';
/** Its gradient: inputs { dy [N, F], x [N, 2F] }, output dx [N, 2F]. */
export const SWIGLU_GRAD = 'LabbenchSwiGluGrad';

/** Attention softmax: input { scores [..., Tq, Tk] }, attrs { scale, causal }, output softmax(scale * scores, causal mask). */
export const ATTENTION_SOFTMAX = 'LabbenchAttentionSoftmax';
/** Its gradient: inputs { dy, probs }, attrs { scale }, output d scores. */
export const ATTENTION_SOFTMAX_GRAD = 'LabbenchAttentionSoftmaxGrad';

/** The fused QKV projection to heads: input { qkv [B, T, 3D] }, attrs { heads }, outputs q, k, v [B, H, T, Dh]. */
export const SPLIT_HEADS = 'LabbenchSplitHeads';
/** Its gradient: inputs { dq, dk, dv } [B, H, T, Dh], attrs { heads }, output [B, T, 3D]. */
export const MERGE_HEADS = 'LabbenchMergeHeads';

/** Sum of squares of every input (`t0`, `t1`, ...): a scalar, for global-norm clipping. */
export const SUM_OF_SQUARES = 'LabbenchSumOfSquares';

/** The fused kernels with a native implementation, as handed to @labbench/tensor-native's `register(names)`. */
export const LABBENCH_KERNELS = { softmaxCrossEntropy: SOFTMAX_CROSS_ENTROPY, adamUpdate: ADAM_UPDATE } as const;
export type LabbenchKernelNames = typeof LABBENCH_KERNELS;

/** Attention's heads back to token rows: input { x [B, H, T, Dh] }, output [B * T, H * Dh] (the transpose and reshape before the output projection). */
export const HEADS_TO_ROWS = 'LabbenchHeadsToRows';
/** Its gradient: input { dy [B * T, H * Dh] }, attrs { batch, heads }, output [B, H, T, Dh]. */
export const ROWS_TO_HEADS = 'LabbenchRowsToHeads';

/** A residual add x + y where y has x's size in another shape: inputs { x, y }, output in x's shape. */
export const RESIDUAL_ADD = 'LabbenchResidualAdd';

/** Adam(W) over many variables: inputs { t0 ... t(4k-1) } = x, g, m, v of each, attrs AdamUpdateConfig and weightDecays [k], outputs x', m', v' of each. */
export const ADAM_UPDATE_ALL = 'LabbenchAdamUpdateAll';

/** The decoder's input: inputs { table [V, D], ids [B, T] int32, positions [P >= T, D] }, attrs { scale }, output table[ids] * scale + positions[:T] [B, T, D]. */
export const EMBED = 'LabbenchEmbed';
/** Its gradient: inputs { dy [B, T, D], ids }, attrs { vocab, positions, scale }, outputs [dTable [V, D], dPositions [P, D]]. */
export const EMBED_GRAD = 'LabbenchEmbedGrad';
