import * as tf from '#tfjs';
import type { ForwardOptions, ForwardOutput, LanguageModel, ModelBuildContext, ParamCount, FlopsPerToken } from '@labbench/core';
import { ParameterFactory, countParameters } from './init.js';
import { CausalSelfAttention, DenseFeedForward, ownsResidual, type Attention, type BlockContext, type FeedForward } from './blocks.js';
import { rmsNorm } from '../ops/index.js';
import { residualAdd } from '../backend/kernels/residual-add.js';
import { fusedEmbed } from '../backend/kernels/embed.js';
import { NoAttention } from './no-attention.js';

/** The reference decoder-only LM (LLaMA-style pre-norm blocks). */
export interface DecoderConfig {
  readonly dModel: number;
  readonly layers: number;
  readonly heads: number;
  /** FFN hidden width F (per branch for SwiGLU). */
  readonly ffnHidden: number;
  readonly activation: 'swiglu' | 'relu';
  /** Learned absolute position embeddings (the reference GPT uses them). */
  readonly positions: 'learned';
  readonly tiedEmbeddings: boolean;
  readonly initStd: number;
  /** Bidirectional attention for encoders (Dial-MAE); causal for LMs. */
  readonly causal: boolean;
  /**
   * Scale of the token embedding at the input: `sqrt-d` multiplies it by sqrt(dModel) (Vaswani et al.
   * 2017, section 3.4; Gemma), so a tied table initialised at std initStd gives the residual stream
   * an input of rms initStd * sqrt(D) that the position table (std initStd) does not drown; `none`
   * is the GPT-2 input. Default `sqrt-d`: the recipe sweep (docs/recipe.md) measured it as the
   * largest single fix of the tied small models (quick profile: 3.03 -> 2.69 bits per byte).
   */
  readonly embeddingScale?: 'sqrt-d' | 'none';
  /** Layers (0-based) without attention, or `all`: the knock-out control of methods that change attention. */
  readonly attentionFreeLayers?: readonly number[] | 'all';
}

export const decoderDefaults: DecoderConfig = {
  dModel: 64, layers: 2, heads: 2, ffnHidden: 256, activation: 'swiglu', positions: 'learned', tiedEmbeddings: true, initStd: 0.02, causal: true,
};

/** JSON Schema properties of the reference decoder's config; plugins spread them into their own schema. */
export const decoderSchemaProperties = {
    dModel: { type: 'integer', minimum: 4 },
    layers: { type: 'integer', minimum: 1 },
    heads: { type: 'integer', minimum: 1 },
    ffnHidden: { type: 'integer', minimum: 1 },
    activation: { enum: ['swiglu', 'relu'] },
    positions: { const: 'learned' },
    tiedEmbeddings: { type: 'boolean' },
    initStd: { type: 'number', exclusiveMinimum: 0 },
    embeddingScale: { enum: ['sqrt-d', 'none'] },
    attentionFreeLayers: { oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'integer', minimum: 0 }, uniqueItems: true }] },
} as const;

/** Plugins replace sublayers through these hooks; everything else is shared. */
export interface DecoderHooks {
  feedForward?(layer: number, params: ParameterFactory, config: DecoderConfig, context: ModelBuildContext): FeedForward;
  attention?(layer: number, params: ParameterFactory, config: DecoderConfig, context: ModelBuildContext): Attention;
}

export interface DecoderLayer {
  readonly attnNorm: tf.Variable;
  readonly attention: Attention;
  readonly ffnNorm: tf.Variable;
  readonly feedForward: FeedForward;
}

/** A decoder LM whose blocks are pre-norm attention + FFN with residuals. */
export class DecoderLM implements LanguageModel {
  readonly kind: 'causal' | 'encoder';
  readonly variables: tf.Variable[];
  readonly tokenEmbedding: tf.Variable; // [V, D]
  readonly positionEmbedding: tf.Variable; // [T, D]
  readonly finalNorm: tf.Variable; // [D]
  readonly unembedding?: tf.Variable; // [D, V] when not tied
  readonly layers: DecoderLayer[] = [];

  constructor(readonly config: DecoderConfig & Record<string, unknown>, readonly context: ModelBuildContext, hooks: DecoderHooks = {}) {
    const { dModel, layers, heads, ffnHidden, activation, initStd } = config;
    if (dModel % heads !== 0) throw new Error(`decoder: dModel (${dModel}) must be divisible by heads (${heads}).`);
    this.kind = config.causal ? 'causal' : 'encoder';
    const params = new ParameterFactory(context.seed);
    const outStd = initStd / Math.sqrt(2 * layers); // GPT-2 scaling of residual projections
    this.tokenEmbedding = params.normal('tokenEmbedding', [context.vocabSize, dModel], initStd);
    this.positionEmbedding = params.normal('positionEmbedding', [context.seqLen, dModel], initStd);
    for (let i = 0; i < layers; i++) {
      const scope = params.scope(`layer${i}`);
      const attnNorm = scope.ones('attnNorm', [dModel]);
      const attention = (config.attentionFreeLayers === 'all' || config.attentionFreeLayers?.includes(i)) ? new NoAttention() : hooks.attention?.(i, scope, config, context) ?? new CausalSelfAttention(scope, dModel, heads, initStd, outStd, config.causal);
      const ffnNorm = scope.ones('ffnNorm', [dModel]);
      const feedForward = hooks.feedForward?.(i, scope, config, context) ?? new DenseFeedForward(scope, dModel, ffnHidden, activation, initStd, outStd);
      this.layers.push({ attnNorm, attention, ffnNorm, feedForward });
    }
    this.finalNorm = params.ones('finalNorm', [dModel]);
    if (!config.tiedEmbeddings) this.unembedding = params.normal('unembedding', [dModel, context.vocabSize], initStd);
    this.variables = params.variables;
  }

  forward(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    return this.run(ids, options).output;
  }

  /**
   * The forward pass, also returning the pass's shared map. Per layer l it holds
   * `attn.input.<l>` (the normalised attention input [B, T, D]) and `residual.attn.<l>` (the
   * residual stream after attention [B, T, D]), which UniAttn's calibration reads, plus what blocks
   * store (`attn.probs.<l>`). `extra` fields join every block's context (e.g. MoE routing control).
   * Feed-forwards that implement `applyResidual` return the new residual stream themselves.
   */
  run(ids: tf.Tensor2D, options: ForwardOptions, extra: Readonly<Record<string, unknown>> = {}): { output: ForwardOutput; shared: Map<string, tf.Tensor> } {
    const [batch, time] = ids.shape;
    const { dModel } = this.config;
    const tokenIds = tf.reshape(ids, [-1]) as tf.Tensor1D; // [N]
    const scale = (this.config.embeddingScale ?? 'sqrt-d') === 'sqrt-d' ? Math.sqrt(dModel) : 1;
    // E[ids] * scale + P[:T] [B, T, D]: one kernel and its gradient where registered (backend/kernels/embed.ts)
    let x = fusedEmbed(this.tokenEmbedding as tf.Tensor2D, ids, this.positionEmbedding as tf.Tensor2D, scale) ?? this.composedEmbedding(ids, tokenIds, scale);
    const shared = new Map<string, tf.Tensor>();
    const auxLosses: tf.Scalar[] = [];
    const stats: Record<string, tf.Tensor> = {};
    for (const [layer, block] of this.layers.entries()) {
      const base: BlockContext = { ...extra, layer, training: options.training, tokenIds, batch, time, shared };
      const attnInput = rmsNorm(x, block.attnNorm) as tf.Tensor3D; // [B, T, D]
      shared.set(`attn.input.${layer}`, attnInput);
      const attn = block.attention.apply(attnInput, base);
      x = residualAdd(x, attn.y); // [B, T, D]; one kernel where registered (backend/kernels/residual-add.ts)
      shared.set(`residual.attn.${layer}`, x);
      const residual = tf.reshape(x, [batch * time, dModel]) as tf.Tensor2D; // [N, D]
      const normed = tf.reshape(rmsNorm(x, block.ffnNorm), [batch * time, dModel]) as tf.Tensor2D; // [N, D]
      const context: BlockContext = { ...base, residual };
      const ffnBlock = block.feedForward;
      const ffn = ownsResidual(ffnBlock) ? ffnBlock.applyResidual(residual, normed, context) : ffnBlock.apply(normed, context);
      // the new stream, or x + the FFN's [N, D] output as one kernel (no reshape of y)
      x = ownsResidual(ffnBlock) ? tf.reshape(ffn.y, [batch, time, dModel]) as tf.Tensor3D : residualAdd(x, ffn.y); // [B, T, D]
      for (const out of [attn, ffn]) {
        if (out.aux) auxLosses.push(out.aux);
        for (const [name, value] of Object.entries(out.stats ?? {})) stats[`${name}.layer${layer}`] = value;
      }
    }
    const h = rmsNorm(x, this.finalNorm); // [B, T, D]
    const flat = tf.reshape(h, [-1, dModel]) as tf.Tensor2D; // [N, D]
    // tied: h E^T through the matmul's transpose flag (no transposed copy of the embedding)
    const logits2d = this.unembedding ? tf.matMul(flat, this.unembedding as tf.Tensor2D) : tf.matMul(flat, this.tokenEmbedding as tf.Tensor2D, false, true); // [N, V]
    const logits = tf.reshape(logits2d, [batch, time, -1]) as tf.Tensor3D; // [B, T, V]
    return { output: { logits, auxLoss: auxLosses.length > 0 ? (tf.addN(auxLosses) as tf.Scalar) : undefined, stats }, shared };
  }

  /** The input without the fused kernel: gather, product by the scale, add of the sliced position table. */
  private composedEmbedding(ids: tf.Tensor2D, tokenIds: tf.Tensor1D, scale: number): tf.Tensor3D {
    const [batch, time] = ids.shape;
    const { dModel } = this.config;
    const positions = tf.slice(this.positionEmbedding, [0, 0], [time, dModel]); // [T, D]
    const embedded = tf.reshape(tf.gather(this.tokenEmbedding, tokenIds), [batch, time, dModel]); // [B, T, D]
    return tf.add(scale === 1 ? embedded : tf.mul(embedded, scale), positions) as tf.Tensor3D; // [B, T, D]
  }

  params(): ParamCount {
    const { dModel } = this.config;
    const embeddings = this.tokenEmbedding.size + this.positionEmbedding.size + (this.unembedding?.size ?? 0);
    let total = embeddings + dModel; // final norm
    let active = embeddings + dModel;
    for (const block of this.layers) {
      const ffn = block.feedForward.params();
      const norms = 2 * dModel;
      total += norms + block.attention.params() + ffn.total;
      active += norms + block.attention.params() + ffn.active;
    }
    return { total, active };
  }

  flopsPerToken(): FlopsPerToken {
    const { seqLen, vocabSize } = this.context;
    let forward = 2 * this.config.dModel * vocabSize; // unembedding
    for (const block of this.layers) forward += block.attention.flopsPerToken(seqLen) + block.feedForward.flopsPerToken();
    return { train: 3 * forward, inference: forward };
  }

  /** Counted variables (the contract suite compares this with `params().total`). */
  countedParameters(): number {
    return countParameters(this.variables);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
