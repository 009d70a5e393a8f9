import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '@labbench/core';
import { DecoderLM } from '../nn/decoder.js';
import { CausalSelfAttention, DenseFeedForward, causalMask, linear, type BlockContext } from '../nn/blocks.js';
import { NoAttention } from '../nn/no-attention.js';
import { rmsNorm } from '../ops/index.js';

/**
 * Incremental decoding of the reference decoder with a key-value cache: a batch of prompts is run
 * once (prefill), then each new token costs one position per row instead of a forward pass over
 * the whole window. Shapes: B rows, S new positions of this call, L cached slots, D model width,
 * H heads, Dh = D / H, V vocabulary.
 *
 * Prompts of different lengths are left-padded to the longest: row b's first `pad[b]` slots hold
 * padding that every query masks out (-1e9, as the causal mask: exp underflows to exactly 0), and
 * its positions count from its first real token, so each row sees exactly what a forward pass
 * over its own tokens sees. Only models this file can reproduce exactly take this path (the plain
 * DecoderLM with its own attention and dense FFN, causal); `supportsKvCache` says which.
 */
export class KvDecoder {
  private keys: tf.Tensor4D[] = []; // per layer [B, H, L, Dh]
  private values: tf.Tensor4D[] = [];
  private padMask: tf.Tensor4D | undefined; // [B, 1, 1, capacity], -1e9 on padding slots
  private pads = new Int32Array(0);
  private slots = 0;

  constructor(private readonly model: DecoderLM) {}

  /**
   * Runs left-padded prompts and returns the logits of each row's last position [B * V].
   * `capacity` is the number of slots the cache will reach (longest prompt + new tokens).
   */
  start(prompts: readonly Int32Array[], padId: number, capacity: number): Float32Array {
    this.dispose();
    const batch = prompts.length;
    const longest = Math.max(...prompts.map((p) => p.length));
    this.pads = Int32Array.from(prompts, (p) => longest - p.length);
    const ids = new Int32Array(batch * longest).fill(padId);
    const positions = new Int32Array(batch * longest);
    prompts.forEach((p, b) => {
      ids.set(p, b * longest + this.pads[b]);
      for (let j = this.pads[b]; j < longest; j++) positions[b * longest + j] = j - this.pads[b];
    });
    const mask = new Float32Array(batch * capacity);
    this.pads.forEach((pad, b) => mask.fill(-1e9, b * capacity, b * capacity + pad));
    this.padMask = tf.tensor4d(mask, [batch, 1, 1, capacity]);
    return this.run(ids, positions, batch, longest);
  }

  /** Appends one token per row (finished rows may pass anything) and returns the next logits [B * V]. */
  step(tokens: Int32Array): Float32Array {
    const positions = Int32Array.from(this.pads, (pad) => this.slots - pad);
    return this.run(tokens, positions, tokens.length, 1);
  }

  private run(ids: Int32Array, positions: Int32Array, batch: number, time: number): Float32Array {
    const m = this.model;
    const { dModel } = m.config;
    const total = this.slots + time;
    const { logits, keys, values } = tf.tidy(() => {
      const tokenIds = tf.tensor1d(ids, 'int32'); // [B * S]
      let x = tf.reshape(tf.add(tf.gather(m.tokenEmbedding, tokenIds), tf.gather(m.positionEmbedding, tf.tensor1d(positions, 'int32'))), [batch, time, dModel]) as tf.Tensor3D; // [B, S, D]
      // additive mask [B, 1, S, L]: padding slots, and future slots among the new positions
      const pad = tf.slice(this.padMask!, [0, 0, 0, 0], [batch, 1, 1, total]);
      const mask = time === 1 ? pad : tf.add(pad, tf.reshape(tf.pad(causalMask(time), [[0, 0], [this.slots, 0]]), [1, 1, time, total]));
      const keys: tf.Tensor4D[] = [];
      const values: tf.Tensor4D[] = [];
      const shared = new Map<string, tf.Tensor>();
      for (const [layer, block] of m.layers.entries()) {
        const context: BlockContext = { layer, training: false, tokenIds, batch, time, shared };
        const attention = block.attention;
        if (attention instanceof CausalSelfAttention) {
          const qkv = linear(rmsNorm(x, block.attnNorm), attention.wQkv as tf.Tensor2D); // [B, S, 3D]
          const [q, k, v] = tf.split(qkv, 3, 2).map((t) => attention.splitHeads(t, batch, time)); // 3 x [B, H, S, Dh]
          const kAll = this.slots === 0 ? k : tf.concat([this.keys[layer], k], 2) as tf.Tensor4D; // [B, H, L, Dh]
          const vAll = this.slots === 0 ? v : tf.concat([this.values[layer], v], 2) as tf.Tensor4D;
          keys.push(kAll);
          values.push(vAll);
          const scores = tf.add(tf.mul(tf.matMul(q, kAll, false, true), 1 / Math.sqrt(dModel / attention.heads)), mask); // [B, H, S, L]
          x = tf.add(x, attention.mix(tf.softmax(scores) as tf.Tensor4D, vAll, batch, time)) as tf.Tensor3D; // [B, S, D]
        } else {
          // NoAttention adds nothing: keep empty slots so layer indices line up
          keys.push(tf.zeros([batch, 1, total, 1]));
          values.push(tf.zeros([batch, 1, total, 1]));
        }
        const normed = tf.reshape(rmsNorm(x, block.ffnNorm), [batch * time, dModel]) as tf.Tensor2D; // [B * S, D]
        x = tf.add(x, tf.reshape(block.feedForward.apply(normed, context).y, [batch, time, dModel])) as tf.Tensor3D;
      }
      const last = tf.reshape(tf.slice(x, [0, time - 1, 0], [batch, 1, dModel]), [batch, dModel]); // [B, D]
      const h = rmsNorm(last, m.finalNorm) as tf.Tensor2D;
      const out = m.unembedding ? tf.matMul(h, m.unembedding as tf.Tensor2D) : tf.matMul(h, m.tokenEmbedding as tf.Tensor2D, false, true); // [B, V]
      return { logits: out, keys, values };
    });
    tf.dispose([...this.keys, ...this.values]);
    this.keys = keys as tf.Tensor4D[];
    this.values = values as tf.Tensor4D[];
    this.slots = total;
    const data = logits.dataSync() as Float32Array;
    logits.dispose();
    return data;
  }

  dispose(): void {
    tf.dispose([...this.keys, ...this.values]);
    this.padMask?.dispose();
    this.keys = [];
    this.values = [];
    this.padMask = undefined;
    this.slots = 0;
  }
}

/**
 * Whether `KvDecoder` reproduces this model's forward pass: exactly the reference DecoderLM (a
 * subclass may change `run`), causal, and every layer made of the decoder's own attention (or
 * none) and dense FFN. Other models generate through batched full-window passes.
 */
export function supportsKvCache(model: LanguageModel): model is DecoderLM {
  if (!(model instanceof DecoderLM) || model.constructor !== DecoderLM || model.kind !== 'causal') return false;
  return model.layers.every((l) => (l.attention.constructor === CausalSelfAttention || l.attention.constructor === NoAttention) && l.feedForward.constructor === DenseFeedForward);
}
