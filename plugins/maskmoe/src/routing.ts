import { gatesFor, tf, type Renormalize, type RoutingPolicy } from '@labbench/tensor';

/**
 * MaskMoE routing (§6.2): p_t = softmax(x_t W_r + m_{v_t}) with m = 0 / -1e9 from the frozen
 * visibility table [V, N] (0/1) of the token id, I_t = TopK(p_t, min(k, V_{v_t})). The table is
 * gathered per batch, never trained.
 */
export function maskedRouting(visibility: tf.Tensor2D, renormalize: Renormalize): RoutingPolicy {
  return {
    learnedRouter: true,
    decide: ({ logits, tokenIds, k }) => ({ logits: logits!, visible: tf.gather(visibility, tokenIds) as tf.Tensor2D, gates: gatesFor(renormalize, k) }),
  };
}
