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

/** Both, as handed to @labbench/tensor-native's `register(names)`. */
export const LABBENCH_KERNELS = { softmaxCrossEntropy: SOFTMAX_CROSS_ENTROPY, adamUpdate: ADAM_UPDATE } as const;
export type LabbenchKernelNames = typeof LABBENCH_KERNELS;
