import * as tf from '#tfjs';
import type { LanguageModel } from '@labbench/core';
import { fusedLayerNorm } from '../backend/kernels/layer-norm.js';
import { ParameterFactory } from '../nn/init.js';
import { CausalSelfAttention, DenseFeedForward } from '../nn/blocks.js';
import { DecoderLM, decoderDefaults } from '../nn/decoder.js';
import { tokenCrossEntropy } from '../ops/index.js';
import { NoAttention } from '../nn/no-attention.js';
import { AdamW, adamWDefaults, type AdamWOptions } from '../train/adamw.js';

/**
 * The models `labbench bench throughput` trains. `ref` is exactly the PyTorch reference of
 * tools/pytorch-ref/pytorch_ref_gpt.py (vocab 2048, d 256, 4 layers, 4 heads, ReLU FFN 1024, context
 * 128, batch 8, learned positions, tied embeddings, pre-LayerNorm blocks without a final norm, Adam
 * lr 1e-3); `tiny` is the reference decoder at the quick profile's size.
 */
export interface BenchModel {
  /** `ref`, `tiny`, or a study arm's spec (`quick`, `dense-baseline/relu@quick`). */
  readonly id: string;
  readonly batch: number;
  readonly time: number;
  readonly vocab: number;
  readonly variables: tf.Variable[];
  /** Mean token cross-entropy of one batch. */
  loss(ids: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar;
  /** Matmul FLOPs of one training step (forward x 3), for the fraction of the matmul ceiling. */
  readonly trainFlopsPerStep: number;
  /** The optimiser of this model's training step (the reference's Adam, or the trainer's AdamW). */
  optimizer(): AdamW;
  /** Learning rate of the measured steps. */
  readonly learningRate: number;
  /** The PyTorch peer of the same shapes and step, when one exists (see tools/pytorch-ref). */
  readonly peer?: PeerSpec;
  dispose(): void;
}

/** A PyTorch script of tools/pytorch-ref and its arguments (the harness adds --json, --threads, --steps). */
export interface PeerSpec {
  readonly script: 'pytorch_ref_gpt.py' | 'pytorch_decoder.py';
  readonly args: readonly string[];
}

export interface RefSize { vocab: number; d: number; layers: number; heads: number; ffn: number; time: number; batch: number }
export const refSize: RefSize = { vocab: 2048, d: 256, layers: 4, heads: 4, ffn: 1024, time: 128, batch: 8 };

/** LayerNorm over the last axis with gain and bias (PyTorch's eps 1e-5). */
function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const fused = fusedLayerNorm(x, gain, bias, 1e-5); // one kernel and its gradient where registered
  if (fused) return fused;
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gain), bias);
}

class RefGpt implements BenchModel {
  readonly id = 'ref' as const;
  readonly learningRate = 1e-3;
  readonly peer: PeerSpec;
  readonly variables: tf.Variable[];
  readonly batch: number;
  readonly time: number;
  readonly vocab: number;
  readonly trainFlopsPerStep: number;
  private readonly emb: tf.Variable;
  private readonly pos: tf.Variable;
  private readonly blocks: { n1g: tf.Variable; n1b: tf.Variable; n2g: tf.Variable; n2b: tf.Variable; attn: CausalSelfAttention; ffn: DenseFeedForward }[] = [];

  constructor(readonly size: RefSize, seed: number) {
    const { vocab, d, layers, heads, ffn, time, batch } = size;
    this.batch = batch;
    this.time = time;
    this.vocab = vocab;
    const params = new ParameterFactory(seed);
    this.emb = params.normal('emb', [vocab, d], 0.02);
    this.pos = params.zeros('pos', [time, d]);
    for (let i = 0; i < layers; i++) {
      const s = params.scope(`block${i}`);
      this.blocks.push({
        n1g: s.ones('n1.g', [d]), n1b: s.zeros('n1.b', [d]), n2g: s.ones('n2.g', [d]), n2b: s.zeros('n2.b', [d]),
        attn: new CausalSelfAttention(s, d, heads, 0.02, 0.02),
        ffn: new DenseFeedForward(s, d, ffn, 'relu', 0.02, 0.02),
      });
    }
    this.variables = params.variables;
    const perToken = layers * (2 * (3 * d * d + d * d + 2 * d * ffn) + 2 * 2 * time * d) + 2 * d * vocab;
    this.trainFlopsPerStep = 3 * perToken * batch * time;
    this.peer = { script: 'pytorch_ref_gpt.py', args: ['--vocab', String(vocab), '--d', String(d), '--layers', String(layers), '--heads', String(heads), '--ctx', String(time), '--batch', String(batch)] };
  }

  optimizer(): AdamW {
    return referenceAdam(this.variables);
  }

  loss(ids: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
    const { batch, time } = this;
    const d = this.size.d;
    const tokenIds = tf.reshape(ids, [-1]) as tf.Tensor1D;
    let x = tf.add(tf.reshape(tf.gather(this.emb, tokenIds), [batch, time, d]), this.pos) as tf.Tensor3D;
    const shared = new Map<string, tf.Tensor>();
    this.blocks.forEach((b, layer) => {
      const context = { layer, training: true, tokenIds, batch, time, shared };
      x = tf.add(x, b.attn.apply(layerNorm(x, b.n1g, b.n1b) as tf.Tensor3D, context).y) as tf.Tensor3D;
      const h = tf.reshape(layerNorm(x, b.n2g, b.n2b), [batch * time, d]) as tf.Tensor2D;
      x = tf.add(x, tf.reshape(b.ffn.apply(h).y, [batch, time, d])) as tf.Tensor3D;
    });
    const logits = tf.matMul(tf.reshape(x, [batch * time, d]), this.emb, false, true) as tf.Tensor2D; // tied: x @ emb^T (a transpose flag, as PyTorch)
    return tf.mean(tokenCrossEntropy(logits, targets).nll) as tf.Scalar;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** The quick profile's model: the reference decoder (SwiGLU, RMSNorm) at d 64, 2 layers, 2 heads, F 256, vocab 1024, context 64, batch 8. */
class TinyDecoder implements BenchModel {
  readonly id = 'tiny' as const;
  readonly learningRate = 1e-3;
  readonly batch = 8;
  readonly time = 64;
  readonly vocab = 1024;
  readonly variables: tf.Variable[];
  readonly trainFlopsPerStep: number;
  private readonly model: DecoderLM;

  constructor(seed: number) {
    const config = { ...decoderDefaults, dModel: 64, layers: 2, heads: 2, ffnHidden: 256, seqLen: this.time };
    this.model = new DecoderLM(config, { vocabSize: this.vocab, seqLen: this.time, seed });
    this.variables = this.model.variables;
    this.trainFlopsPerStep = this.model.flopsPerToken().train * this.batch * this.time;
  }

  loss(ids: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
    const { logits } = this.model.forward(ids, { training: true });
    return tf.mean(tokenCrossEntropy(tf.reshape(logits, [-1, this.vocab]) as tf.Tensor2D, targets).nll) as tf.Scalar;
  }

  optimizer(): AdamW {
    return referenceAdam(this.variables);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * A study arm's model as `labbench run` trains it (resolved by the CLI from the registry: the
 * plugin's factory, the profile's sizes and the arm's config): forward pass, cross-entropy plus
 * the model's auxiliary loss, and the trainer's AdamW (decay, clipping) at the profile's peak rate.
 */
export interface ArmModelSpec {
  readonly id: string;
  readonly batch: number;
  readonly time: number;
  readonly vocab: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  create(seed: number): LanguageModel;
}

class ArmModel implements BenchModel {
  readonly id: string;
  readonly batch: number;
  readonly time: number;
  readonly vocab: number;
  readonly learningRate: number;
  readonly variables: tf.Variable[];
  readonly trainFlopsPerStep: number;
  readonly peer?: PeerSpec;
  private readonly model: LanguageModel;

  constructor(readonly spec: ArmModelSpec, seed: number) {
    ({ id: this.id, batch: this.batch, time: this.time, vocab: this.vocab, learningRate: this.learningRate } = spec);
    this.model = spec.create(seed);
    this.variables = this.model.variables as tf.Variable[];
    this.trainFlopsPerStep = this.model.flopsPerToken().train * this.batch * this.time;
    this.peer = decoderPeer(this.model, spec);
  }

  loss(ids: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
    const out = this.model.forward(ids, { training: true });
    const ce = tf.mean(tokenCrossEntropy(tf.reshape(out.logits, [-1, this.vocab]) as tf.Tensor2D, targets).nll) as tf.Scalar;
    return (out.auxLoss ? tf.add(ce, out.auxLoss) : ce) as tf.Scalar;
  }

  optimizer(): AdamW {
    return new AdamW(this.variables, { ...adamWDefaults, weightDecay: this.spec.weightDecay });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * The PyTorch peer of a model that is exactly the reference decoder (its own attention and dense
 * FFN in every layer, or the attention knock-out); undefined for models built on other blocks
 * (MoE, Finedeep, ...), which have no PyTorch twin here.
 */
function decoderPeer(model: LanguageModel, spec: ArmModelSpec): PeerSpec | undefined {
  // by class name: a plugin may load another copy of this package (dist/ beside the sources)
  const named = (x: object, ...names: string[]) => names.includes(x.constructor.name);
  if (!named(model, DecoderLM.name)) return undefined;
  const decoder = model as DecoderLM;
  const plain = decoder.layers.every((l) => named(l.attention, CausalSelfAttention.name, NoAttention.name) && named(l.feedForward, DenseFeedForward.name));
  if (!plain || !decoder.config.causal) return undefined;
  const c = decoder.config;
  const ffnHidden = (decoder.layers[0].feedForward as DenseFeedForward).hidden;
  const config = {
    vocab: spec.vocab, dModel: c.dModel, layers: c.layers, heads: c.heads, ffnHidden, activation: c.activation, time: spec.time, batch: spec.batch,
    embeddingScale: c.embeddingScale ?? 'sqrt-d', tiedEmbeddings: c.tiedEmbeddings, attentionFreeLayers: c.attentionFreeLayers ?? [],
    weightDecay: spec.weightDecay, learningRate: spec.learningRate, clipNorm: adamWDefaults.clipNorm, initStd: c.initStd,
  };
  return { script: 'pytorch_decoder.py', args: ['--config', JSON.stringify(config)] };
}

/** Resolves a model spec the harness does not know (a profile or study arm) through the plugin registry. */
export type ArmResolver = (id: string) => ArmModelSpec;

export function buildBenchModel(id: string, seed = 1, size: Partial<RefSize> = {}, resolve?: ArmResolver): BenchModel {
  if (id === 'ref') return new RefGpt({ ...refSize, ...size }, seed);
  if (id === 'tiny') return new TinyDecoder(seed);
  if (resolve) return new ArmModel(resolve(id), seed);
  throw new Error(`unknown throughput model '${id}' (ref or tiny; a profile or study/arm needs the labbench CLI).`);
}

/** Adam as in the PyTorch reference: betas 0.9/0.999, eps 1e-8, no weight decay, no clipping. */
export const referenceAdamOptions: AdamWOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, clipNorm: 0 };

/**
 * The training AdamW with the reference's settings (one fused `adamUpdate` kernel per variable, as
 * PyTorch's fused Adam). It still measures the gradient norm each step (AdamW reports it), a small
 * cost the throughput figures include.
 */
export function referenceAdam(variables: tf.Variable[]): AdamW {
  return new AdamW(variables, referenceAdamOptions);
}

/** Seeded batches: ids [B, T] and next-token targets [B*T] drawn uniformly (as the PyTorch reference). */
export function randomBatch(model: BenchModel, seed: number): { ids: tf.Tensor2D; targets: tf.Tensor1D } {
  return tf.tidy(() => ({
    ids: tf.randomUniformInt([model.batch, model.time], 0, model.vocab, seed) as tf.Tensor2D,
    targets: tf.randomUniformInt([model.batch * model.time], 0, model.vocab, seed + 1) as tf.Tensor1D,
  }));
}

/** One full training step (forward, backward, Adam update); returns the loss. */
export function trainStep(model: BenchModel, optimizer: AdamW, ids: tf.Tensor2D, targets: tf.Tensor1D, learningRate = model.learningRate): number {
  const { value, grads } = tf.variableGrads(() => model.loss(ids, targets), model.variables);
  const loss = value.dataSync()[0];
  optimizer.step(model.variables.map((v) => grads[v.name]), learningRate);
  tf.dispose([value, grads]);
  return loss;
}
