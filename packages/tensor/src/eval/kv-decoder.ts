import type { LanguageModel } from '@labbench/core';
import * as tf from '#tfjs';
import { fusedSplitHeads } from '../backend/kernels/split-heads.js';
import { type BlockContext, CausalSelfAttention, causalMask, DenseFeedForward, linear } from '../nn/blocks.js';
import { DecoderLM } from '../nn/decoder.js';
import { NoAttention } from '../nn/no-attention.js';
import { rmsNorm } from '../ops/index.js';
import { readBack, withValues } from './batched-forward.js';

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
/** Cached keys and values per layer [B, H, L, Dh], the additive pad mask [B, 1, 1, >= L + S] and L. */
interface Cache {
  readonly keys: readonly tf.Tensor4D[];
  readonly values: readonly tf.Tensor4D[];
  readonly padMask: tf.Tensor4D;
  readonly slots: number;
}

export class KvDecoder {
  private keys: tf.Tensor4D[] = []; // per layer [B, H, L, Dh]
  private values: tf.Tensor4D[] = [];
  private padMask: tf.Tensor4D | undefined; // [B, 1, 1, capacity], -1e9 on padding slots
  private pads = new Int32Array(0);
  private slots = 0;
  /** Host copies of the token and position tables, read on first use (see `embed`). */
  private tables: { token: Float32Array; position: Float32Array } | undefined;

  /** @param embeddingScale multiplier of the token embedding at the input (see `verifiedKvScale`). */
  constructor(
    private readonly model: DecoderLM,
    private readonly embeddingScale = 1,
  ) {}

  /** Floats the cache holds per row and slot: keys and values of every layer (an upper bound with attention-free layers). */
  get floatsPerSlot(): number {
    return 2 * this.model.layers.length * this.model.config.dModel;
  }

  /**
   * The input [N, D]: token row * scale + position row, built on the host. The same float32
   * operations as `tf.add(tf.mul(tf.gather(...), scale), tf.gather(...))` (each product and sum
   * rounded to float32 once: IEEE arithmetic, so the same bits), without the stock wasm gather,
   * which was a fifth of a scoring pass's kernel time. The tables are read once per decoder: a
   * decoder lives for one scoring or generation call, during which the weights do not change.
   */
  private embed(ids: Int32Array, positions: Int32Array): tf.Tensor2D {
    const { dModel } = this.model.config;
    this.tables ??= { token: this.model.tokenEmbedding.dataSync() as Float32Array, position: this.model.positionEmbedding.dataSync() as Float32Array };
    const { token, position } = this.tables;
    const out = new Float32Array(ids.length * dModel);
    const scale = Math.fround(this.embeddingScale);
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i] * dModel;
      const p = positions[i] * dModel;
      const o = i * dModel;
      if (scale === 1) for (let d = 0; d < dModel; d++) out[o + d] = token[t + d] + position[p + d];
      else for (let d = 0; d < dModel; d++) out[o + d] = Math.fround(token[t + d] * scale) + position[p + d];
    }
    return tf.tensor2d(out, [ids.length, dModel]);
  }

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

  /**
   * Appends one token per row and returns the next logits [B * V]. Rows the caller no longer
   * reads (finished, or past the context) may pass anything; their positions are clamped to the
   * table, so only their own, unread, outputs are wrong.
   */
  step(tokens: Int32Array): Float32Array {
    const last = this.model.positionEmbedding.shape[0] - 1;
    const positions = Int32Array.from(this.pads, (pad) => Math.min(last, this.slots - pad));
    return this.run(tokens, positions, tokens.length, 1);
  }

  /**
   * A plain forward pass over right-padded rows [B, S] (positions from 0, nothing cached) that
   * computes the logits only at the flat positions `at` (row r, position j: r * S + j), [K * V]:
   * scoring needs the continuation's positions, and the head over every position of every row
   * (a third of the forward's multiply-adds, and [B * S, V] floats to read back) is skipped.
   * The logits go to `use` as `withValues` gives them (a view: not kept, no tensors created).
   */
  logitsAt(ids: Int32Array, batch: number, time: number, at: Int32Array, use: (logits: Float32Array) => void): void {
    this.dispose();
    this.pads = new Int32Array(batch);
    this.padMask = tf.zeros([batch, 1, 1, time]);
    const positions = Int32Array.from(ids, (_, i) => i % time);
    try {
      const { logits, keys, values } = this.forward({ keys: [], values: [], padMask: this.padMask, slots: 0 }, ids, positions, batch, time, at);
      tf.dispose([...keys, ...values]);
      withValues(logits, use);
    } finally {
      this.dispose();
    }
  }

  /**
   * Continues cached rows with several new tokens each, leaving the cache as it was: new row b
   * reads cached row `from[b]` (rows may share one: a context prefilled once, then each of its
   * continuations) and appends `ids[b * time, (b + 1) * time)`, right-padded, at positions that
   * continue from that row's own length. Gives `use` the logits at the flat positions `at` (row b,
   * new position j: b * time + j), [K * V]. A padded position is only seen by later padded ones
   * (the causal mask), so it changes no real position's output; its position is clamped to the
   * table, as in `step`. Several `extend`s may follow one `start`. The logits go to `use` as
   * `withValues` gives them.
   */
  extend(from: Int32Array, ids: Int32Array, time: number, at: Int32Array, use: (logits: Float32Array) => void): void {
    const batch = from.length;
    const slots = this.slots;
    const last = this.model.positionEmbedding.shape[0] - 1;
    const positions = Int32Array.from(ids, (_, i) => Math.min(last, slots - this.pads[from[Math.floor(i / time)]] + (i % time)));
    // the cached rows each new row continues: keys and values [B', H, L, Dh], pad mask [B', 1, 1, L + S]
    const cache = tf.tidy(() => {
      const index = tf.tensor1d(from, 'int32');
      const pad = tf.gather(tf.slice(this.padMask!, [0, 0, 0, 0], [-1, 1, 1, slots]), index);
      return {
        keys: this.keys.map((k) => tf.gather(k, index)),
        values: this.values.map((v) => tf.gather(v, index)),
        padMask: tf.concat([pad, tf.zeros([batch, 1, 1, time])], 3) as tf.Tensor4D,
      };
    });
    try {
      const out = this.forward({ ...cache, slots }, ids, positions, batch, time, at);
      tf.dispose([...out.keys, ...out.values]);
      withValues(out.logits, use);
    } finally {
      tf.dispose([...cache.keys, ...cache.values, cache.padMask]);
    }
  }

  /** The forward pass over this decoder's cache; the cache becomes the rows it returns. */
  private run(ids: Int32Array, positions: Int32Array, batch: number, time: number): Float32Array {
    const { logits, keys, values } = this.forward(
      { keys: this.keys, values: this.values, padMask: this.padMask!, slots: this.slots },
      ids,
      positions,
      batch,
      time,
    );
    tf.dispose([...this.keys, ...this.values]);
    this.keys = keys;
    this.values = values;
    this.slots += time;
    return readBack(logits);
  }

  /**
   * New positions [B, S] after `cache.slots` cached ones: the logits (at `at`, else each row's
   * last position) and the per-layer keys and values of cached + new slots, all owned by the caller.
   */
  private forward(
    cache: Cache,
    ids: Int32Array,
    positions: Int32Array,
    batch: number,
    time: number,
    at?: Int32Array,
  ): { logits: tf.Tensor2D; keys: tf.Tensor4D[]; values: tf.Tensor4D[] } {
    const m = this.model;
    const { dModel } = m.config;
    const { slots } = cache;
    const total = slots + time;
    const { logits, keys, values } = tf.tidy(() => {
      const tokenIds = tf.tensor1d(ids, 'int32'); // [B * S]
      let x = tf.reshape(this.embed(ids, positions), [batch, time, dModel]) as tf.Tensor3D; // [B, S, D]
      // additive mask [B, 1, S, L]: padding slots, and future slots among the new positions
      const pad = tf.slice(cache.padMask, [0, 0, 0, 0], [batch, 1, 1, total]);
      const mask =
        time === 1
          ? pad
          : tf.add(
              pad,
              tf.reshape(
                tf.pad(causalMask(time), [
                  [0, 0],
                  [slots, 0],
                ]),
                [1, 1, time, total],
              ),
            );
      const keys: tf.Tensor4D[] = [];
      const values: tf.Tensor4D[] = [];
      const shared = new Map<string, tf.Tensor>();
      for (const [layer, block] of m.layers.entries()) {
        const context: BlockContext = { layer, training: false, tokenIds, batch, time, shared };
        const attention = block.attention;
        if (attention instanceof CausalSelfAttention) {
          const qkv = linear(rmsNorm(x, block.attnNorm), attention.wQkv as tf.Tensor2D); // [B, S, 3D]
          // one copy kernel where registered, as the decoder's own attention (pure copies: the same values)
          const [q, k, v] = fusedSplitHeads(qkv, attention.heads) ?? tf.split(qkv, 3, 2).map((t) => attention.splitHeads(t, batch, time)); // 3 x [B, H, S, Dh]
          const kAll = slots === 0 ? k : (tf.concat([cache.keys[layer], k], 2) as tf.Tensor4D); // [B, H, L, Dh]
          const vAll = slots === 0 ? v : (tf.concat([cache.values[layer], v], 2) as tf.Tensor4D);
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
      const last = at // [K, D] the positions asked for, or [B, D] each row's last
        ? tf.gather(tf.reshape(x, [batch * time, dModel]), tf.tensor1d(at, 'int32'))
        : tf.reshape(tf.slice(x, [0, time - 1, 0], [batch, 1, dModel]), [batch, dModel]);
      const h = rmsNorm(last, m.finalNorm) as tf.Tensor2D;
      const out = m.unembedding ? tf.matMul(h, m.unembedding as tf.Tensor2D) : tf.matMul(h, m.tokenEmbedding as tf.Tensor2D, false, true); // [B, V]
      return { logits: out, keys, values };
    });
    return { logits: logits as tf.Tensor2D, keys: keys as tf.Tensor4D[], values: values as tf.Tensor4D[] };
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
 * Whether `KvDecoder` can reproduce this model's forward pass: exactly the reference DecoderLM (a
 * subclass may change `run`), causal, and every layer made of the decoder's own attention (or
 * none) and dense FFN. Other models generate through batched full-window passes.
 */
export function supportsKvCache(model: LanguageModel): model is DecoderLM {
  if (!(model instanceof DecoderLM) || model.constructor !== DecoderLM || model.kind !== 'causal') return false;
  return model.layers.every(
    (l) => (l.attention.constructor === CausalSelfAttention || l.attention.constructor === NoAttention) && l.feedForward.constructor === DenseFeedForward,
  );
}

const verified = new WeakMap<LanguageModel, number | null>();

/**
 * The input embedding scale under which `KvDecoder` reproduces `model.forward`, or undefined when
 * none does (then the caller must not use the cache). The cache re-implements the decoder's
 * forward pass, so rather than trust that the two never drift apart, each model is checked once:
 * a short probe prompt and one decoding step, against full forward passes over the same tokens.
 * The decoder's input scale is a config choice (`embeddingScale`: `sqrt-d` or `none`, the default
 * set by the decoder): the declared one is tried first, then the other, so the check follows
 * whatever the decoder does.
 */
export function verifiedKvScale(model: LanguageModel): number | undefined {
  if (!supportsKvCache(model)) return undefined;
  if (verified.has(model)) return verified.get(model) ?? undefined;
  const { dModel, seqLen } = model.config as { dModel: number; seqLen?: number };
  const declared = (model.config as { embeddingScale?: string }).embeddingScale;
  const candidates = declared === 'none' ? [1, Math.sqrt(dModel)] : [Math.sqrt(dModel), 1]; // the declared one first
  const length = Math.max(1, Math.min(6, (seqLen ?? 8) - 1));
  const vocab = model.tokenEmbedding.shape[0];
  const probe = Int32Array.from({ length: length + 1 }, (_, i) => (i * 7919 + 3) % vocab); // [S + 1]
  const expected = [length, length + 1].map((n) =>
    readBack(
      tf.tidy(() => {
        const logits = model.forward(tf.tensor2d(probe.subarray(0, n), [1, n], 'int32'), { training: false }).logits; // [1, n, V]
        return tf.slice(logits, [0, n - 1, 0], [1, 1, -1]);
      }),
    ),
  );
  let found: number | null = null;
  for (const scale of candidates) {
    const decoder = new KvDecoder(model, scale);
    try {
      const got = [decoder.start([probe.subarray(0, length)], 0, length + 1), decoder.step(probe.subarray(length))];
      if (got.every((g, k) => g.every((v, i) => Math.abs(v - expected[k][i]) <= 1e-3 * Math.max(1, Math.abs(expected[k][i]))))) {
        found = scale;
        break;
      }
    } finally {
      decoder.dispose();
    }
  }
  verified.set(model, found);
  return found ?? undefined;
}
