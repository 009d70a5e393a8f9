import { RoutedExperts, type BlockContext, type BlockOutput, type FeedForward, type ParameterFactory, type RoutedLayerOptions, type tf } from '@labbench/tensor';

/**
 * The SMoE FFN sublayer (architectures.md §1.2): y = c0 * sum_{i in I} g_i E_i(x) + c1 * S(x),
 * with I = TopK(softmax(x W_r), k) (or hash / top-p routing) and c = softmax(x W_mix + b_mix).
 * Stats are named `moe.<metric>` (the decoder appends `.layer<i>`).
 */
export class MoeFeedForward implements FeedForward {
  readonly routed: RoutedExperts;

  constructor(params: ParameterFactory, options: RoutedLayerOptions) {
    this.routed = new RoutedExperts(params, 'ffn', options);
  }

  apply(x: tf.Tensor2D, context: BlockContext): BlockOutput {
    const { y, aux, stats } = this.routed.apply(x, context, 'moe');
    return { y, aux, stats };
  }

  params(): { total: number; active: number } {
    return this.routed.params();
  }

  flopsPerToken(): number {
    return this.routed.flopsPerToken();
  }
}
