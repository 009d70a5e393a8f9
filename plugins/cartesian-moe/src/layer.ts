import {
  RoutedExperts,
  rmsNorm,
  tf,
  type BlockOutput,
  type FeedForward,
  type ParameterFactory,
  type RoutedBlockContext,
  type RoutedLayerOptions,
} from '@labbench/tensor';

/**
 * One CartesianMoE FFN slot (architectures.md §5.2): two stacked routed sub-layers A and B, each
 * with its own router, top-k half-width experts, shared half-width expert and 2-way mix.
 *
 *   y^A = mix_A(x̂);  u = h + y^A;  ū = RMSNorm_mid(u);  y^B = mix_B(ū);  h_out = u + y^B
 *
 * The decoder adds the returned y = y^A + y^B to h, which gives h_out. Every token passes k experts
 * of A and k of B: k^2 composite experts B_j ∘ A_i. The two balance losses are summed.
 * Stats are `moe.a.*` and `moe.b.*`.
 */
export class CartesianFeedForward implements FeedForward {
  readonly a: RoutedExperts;
  readonly b: RoutedExperts;
  readonly midNorm?: tf.Variable; // [D]

  constructor(params: ParameterFactory, options: RoutedLayerOptions, midNorm: 'rmsnorm' | 'none') {
    this.a = new RoutedExperts(params, 'ffn.a', options);
    if (midNorm === 'rmsnorm') this.midNorm = params.ones('ffn.midNorm', [options.dModel]);
    this.b = new RoutedExperts(params, 'ffn.b', options);
  }

  apply(x: tf.Tensor2D, context: RoutedBlockContext): BlockOutput {
    if (!context.residual) throw new Error('cartesian-moe: the block context has no residual stream; build the model on RoutedDecoderLM.');
    const outA = this.a.apply(x, context, 'moe.a'); // [N, D]
    const u = tf.add(context.residual, outA.y); // h + y^A  [N, D]
    const uNorm = (this.midNorm ? rmsNorm(u, this.midNorm) : u) as tf.Tensor2D; // ū  [N, D]
    const outB = this.b.apply(uNorm, context, 'moe.b'); // [N, D]
    const auxes = [outA.aux, outB.aux].filter((t): t is tf.Scalar => t !== undefined);
    return {
      y: tf.add(outA.y, outB.y) as tf.Tensor2D,
      aux: auxes.length > 0 ? (tf.addN(auxes) as tf.Scalar) : undefined,
      stats: { ...outA.stats, ...outB.stats },
    };
  }

  params(): { total: number; active: number } {
    const [pa, pb] = [this.a.params(), this.b.params()];
    const norm = this.midNorm?.size ?? 0;
    return { total: pa.total + pb.total + norm, active: pa.active + pb.active + norm };
  }

  flopsPerToken(): number {
    return this.a.flopsPerToken() + this.b.flopsPerToken();
  }
}
