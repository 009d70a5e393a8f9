import { CausalSelfAttention, DenseFeedForward, linear, rmsNorm, tf } from '@labbench/tensor';
import type { BlockContext, BlockOutput, ParameterFactory } from '@labbench/tensor';
import type { DialMaeConfig } from './config.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Tensor3D = import('@tensorflow/tfjs').Tensor3D;
type Variable = import('@tensorflow/tfjs').Variable;

const KEY_BIAS = 'attn.keyBias';

/** Bidirectional multi-head attention that ignores [PAD] keys (the additive bias [B, 1, 1, L] in `shared`). */
export class PaddedSelfAttention extends CausalSelfAttention {
  constructor(params: ParameterFactory, dModel: number, heads: number, std: number, outStd: number) {
    super(params, dModel, heads, std, outStd, false);
  }

  override apply(x: Tensor3D, context: BlockContext): BlockOutput {
    const { batch, time } = context;
    const qkv = linear(x, this.wQkv as Tensor2D); // [B, L, 3D]
    const [q, k, v] = tf.split(qkv, 3, 2).map((t) => this.splitHeads(t, batch, time)); // 3 x [B, H, L, Dh]
    let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(this.dModel / this.heads)); // [B, H, L, L]
    const bias = context.shared.get(KEY_BIAS);
    if (bias) scores = tf.add(scores, bias);
    const probs = tf.softmax(scores) as tf.Tensor4D; // [B, H, L, L], rows sum to 1 over real keys
    return { y: this.mix(probs, v, batch, time) };
  }
}

/** Pre-norm blocks (RMSNorm, bidirectional attention, SwiGLU FFN) and a final norm: the encoder or the decoder. */
export class BlockStack {
  readonly layers: { attnNorm: Variable; attention: PaddedSelfAttention; ffnNorm: Variable; feedForward: DenseFeedForward }[] = [];
  readonly finalNorm: Variable;

  constructor(params: ParameterFactory, config: DialMaeConfig, depth: number, residualLayers: number) {
    const { dModel, heads, ffnHidden, activation, initStd } = config;
    const outStd = initStd / Math.sqrt(2 * residualLayers);
    for (let i = 0; i < depth; i++) {
      const scope = params.scope(`layer${i}`);
      const attnNorm = scope.ones('attnNorm', [dModel]);
      const attention = new PaddedSelfAttention(scope, dModel, heads, initStd, outStd);
      const ffnNorm = scope.ones('ffnNorm', [dModel]);
      const feedForward = new DenseFeedForward(scope, dModel, ffnHidden, activation, initStd, outStd);
      this.layers.push({ attnNorm, attention, ffnNorm, feedForward });
    }
    this.finalNorm = params.ones('finalNorm', [dModel]);
  }

  /** x [B, L, D] and keep [B, L] (1 real, 0 [PAD]) -> normalised hidden states h [B, L, D]. */
  apply(x: Tensor3D, keep: Tensor2D, training: boolean): Tensor3D {
    const [batch, time, dModel] = x.shape;
    const shared = new Map<string, Tensor>();
    shared.set(KEY_BIAS, tf.reshape(tf.mul(tf.sub(1, keep), -1e9), [batch, 1, 1, time])); // [B, 1, 1, L]
    const tokenIds = tf.zeros([batch * time], 'int32') as tf.Tensor1D; // the stock FFN ignores ids
    for (const [layer, block] of this.layers.entries()) {
      const context: BlockContext = { layer, training, tokenIds, batch, time, shared };
      x = tf.add(x, block.attention.apply(rmsNorm(x, block.attnNorm) as Tensor3D, context).y) as Tensor3D;
      const ffn = block.feedForward.apply(tf.reshape(rmsNorm(x, block.ffnNorm), [batch * time, dModel]) as Tensor2D);
      x = tf.add(x, tf.reshape(ffn.y, [batch, time, dModel])) as Tensor3D;
    }
    return rmsNorm(x, this.finalNorm) as Tensor3D;
  }

  params(): number {
    return this.finalNorm.size + this.layers.reduce((n, b) => n + b.attnNorm.size + b.ffnNorm.size + b.attention.params() + b.feedForward.params().total, 0);
  }

  flopsPerToken(seqLen: number): number {
    return this.layers.reduce((n, b) => n + b.attention.flopsPerToken(seqLen) + b.feedForward.flopsPerToken(), 0);
  }
}

/**
 * One tower: shared embedding module (token + learned position) [Ve, D] / [T, D], a BlockStack,
 * and the MLM head tied to the token embeddings (logits over the V tokenizer ids).
 */
export class Tower {
  readonly tokenEmbedding: Variable; // [Ve, D]
  readonly positionEmbedding: Variable; // [T, D]
  readonly stack: BlockStack;

  constructor(params: ParameterFactory, config: DialMaeConfig, readonly vocabSize: number, extendedVocab: number, readonly seqLen: number) {
    this.tokenEmbedding = params.normal('tokenEmbedding', [extendedVocab, config.dModel], config.initStd);
    this.positionEmbedding = params.normal('positionEmbedding', [seqLen, config.dModel], config.initStd);
    this.stack = new BlockStack(params, config, config.layers, config.layers);
  }

  /** ids [B, L] (L <= T) -> token + position embeddings [B, L, D]. */
  embed(ids: Tensor2D): Tensor3D {
    const [batch, time] = ids.shape;
    const d = this.tokenEmbedding.shape[1]!;
    if (time > this.seqLen) throw new Error(`dial-mae: sequence length ${time} exceeds the model's ${this.seqLen} positions.`);
    const tokens = tf.reshape(tf.gather(this.tokenEmbedding, tf.reshape(ids, [-1])), [batch, time, d]); // [B, L, D]
    return tf.add(tokens, tf.slice(this.positionEmbedding, [0, 0], [time, d])) as Tensor3D; // [B, L, D]
  }

  /** ids [B, L] -> last-layer hidden states h [B, L, D]; h[:, 0] is the [CLS] vector. */
  encode(ids: Tensor2D, keep: Tensor2D, training: boolean): Tensor3D {
    return this.stack.apply(this.embed(ids), keep, training);
  }

  /** The shared MLM head: h [B, L, D] -> logits [B, L, V] (tied to the first V embedding rows). */
  head(h: Tensor3D): Tensor3D {
    const [batch, time, d] = h.shape;
    const w = tf.slice(this.tokenEmbedding, [0, 0], [this.vocabSize, d]); // [V, D]
    return tf.reshape(tf.matMul(tf.reshape(h, [-1, d]), w, false, true), [batch, time, this.vocabSize]) as Tensor3D; // [B, L, V]
  }

  params(): number {
    return this.tokenEmbedding.size + this.positionEmbedding.size + this.stack.params();
  }
}
