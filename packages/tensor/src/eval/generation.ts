import * as tf from '@tensorflow/tfjs';
import type { GenerationOptions, LanguageModel } from '@labbench/core';
import { Rng, deriveSeed } from '@labbench/core';
import type { DecoderLM } from '../nn/decoder.js';
import { readBack } from './batched-forward.js';
import { KvDecoder, verifiedKvScale } from './kv-decoder.js';
import { sampleToken } from './sampling.js';

/**
 * Batched generation. Row i samples with its own generator (`generate#i` of `options.seed`), so
 * a prompt's continuation does not depend on which other prompts share its batch. Each step the
 * model predicts the next token from the last `T` tokens of the row (its window), as one row at a
 * time did; a row stops at the end-of-text id or after `maxTokens` tokens.
 *
 * Rows whose whole generation fits in the context (prompt + maxTokens - 1 <= T) on a model the
 * key-value cache reproduces (kv-decoder.ts) decode incrementally; the others run batched
 * full-window passes (the window slides once it is longer than T).
 */

/** Rows decoded together: one step costs one forward pass whatever the batch. */
const ROWS_PER_BATCH = 256;

export interface GenerateConfig {
  /** The model's context length T. */
  readonly maxLength: number;
  readonly eosId: number;
  /** Use the key-value cache where the model allows it (tests turn it off to compare). */
  readonly kvCache?: boolean;
}

/** Generated ids per prompt; each prompt already starts with the end-of-text id. */
export function generateIds(model: LanguageModel, prompts: readonly Int32Array[], options: GenerationOptions, config: GenerateConfig): number[][] {
  const T = config.maxLength;
  const rngs = prompts.map((_, i) => new Rng(deriveSeed(options.seed, `generate#${i}`)));
  const out: number[][] = prompts.map(() => []);
  const scale = config.kvCache === false ? undefined : verifiedKvScale(model);
  const fits = prompts.map((p, i) => ({ i, kv: scale !== undefined && p.length >= 1 && p.length + options.maxTokens - 1 <= T }));
  for (const kv of [true, false]) {
    const rows = fits.filter((f) => f.kv === kv).map((f) => f.i);
    for (let start = 0; start < rows.length; start += ROWS_PER_BATCH) {
      const chunk = rows.slice(start, start + ROWS_PER_BATCH);
      const rowPrompts = chunk.map((i) => prompts[i]);
      const rowRngs = chunk.map((i) => rngs[i]);
      const ids = kv ? decodeCached(new KvDecoder(model as DecoderLM, scale), rowPrompts, rowRngs, options, config) : decodeWindows(model, rowPrompts, rowRngs, options, config);
      ids.forEach((ids, r) => { out[chunk[r]] = ids; });
    }
  }
  return out;
}

/**
 * One sampling step: logits row r [V] belongs to prompt `rows[r]`; rows already done are skipped.
 * Returns whether any row is still running.
 */
function sampleRows(logits: Float32Array, rows: readonly number[], generated: number[][], done: boolean[], rngs: readonly Rng[], options: GenerationOptions, eosId: number): boolean {
  const vocab = logits.length / rows.length;
  rows.forEach((row, r) => {
    if (done[row]) return;
    const next = sampleToken(logits.subarray(r * vocab, (r + 1) * vocab), options, rngs[row]);
    if (next === eosId) done[row] = true;
    else generated[row].push(next);
    if (generated[row].length >= options.maxTokens) done[row] = true;
  });
  return done.some((d) => !d);
}

function decodeCached(decoder: KvDecoder, prompts: readonly Int32Array[], rngs: readonly Rng[], options: GenerationOptions, config: GenerateConfig): number[][] {
  const generated: number[][] = prompts.map(() => []);
  const done = prompts.map(() => options.maxTokens <= 0);
  if (done.every(Boolean)) return generated;
  const all = prompts.map((_, i) => i);
  try {
    const longest = Math.max(...prompts.map((p) => p.length));
    let logits = decoder.start(prompts, config.eosId, longest + options.maxTokens);
    while (sampleRows(logits, all, generated, done, rngs, options, config.eosId)) {
      // finished rows feed the end-of-text id: their outputs are never read again
      const tokens = Int32Array.from(all, (i) => (done[i] ? config.eosId : generated[i][generated[i].length - 1]));
      logits = decoder.step(tokens);
    }
  } finally {
    decoder.dispose();
  }
  return generated;
}

function decodeWindows(model: LanguageModel, prompts: readonly Int32Array[], rngs: readonly Rng[], options: GenerationOptions, config: GenerateConfig): number[][] {
  const T = config.maxLength;
  const generated: number[][] = prompts.map(() => []);
  const done = prompts.map(() => options.maxTokens <= 0);
  for (;;) {
    const active = prompts.map((_, i) => i).filter((i) => !done[i]);
    if (active.length === 0) return generated;
    const windows = active.map((i) => {
      const seq = Int32Array.from([...prompts[i], ...generated[i]]);
      return seq.subarray(Math.max(0, seq.length - T));
    });
    const time = Math.max(...windows.map((w) => w.length));
    const ids = new Int32Array(active.length * time).fill(config.eosId);
    windows.forEach((w, r) => ids.set(w, r * time));
    const logits = readBack(tf.tidy(() => {
      const all = model.forward(tf.tensor2d(ids, [active.length, time], 'int32'), { training: false }).logits; // [B, L, V]
      const flat = tf.reshape(all, [active.length * time, -1]); // [B * L, V]
      const last = tf.tensor1d(windows.map((w, r) => r * time + w.length - 1), 'int32');
      return tf.gather(flat, last); // [B, V]
    }));
    sampleRows(logits, active, generated, done, rngs, options, config.eosId);
  }
}
