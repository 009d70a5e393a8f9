import * as tf from '#tfjs';
import type { GenerationOptions, LanguageModel } from '@labbench/core';
import { Rng, deriveSeed } from '@labbench/core';
import type { DecoderLM } from '../nn/decoder.js';
import { readBack } from './batched-forward.js';
import { KvDecoder, verifiedKvScale } from './kv-decoder.js';
import { sampleToken } from './sampling.js';

/**
 * Batched generation. Row i samples with its own generator (`generate#i` of `options.seed`), so
 * a prompt's continuation does not depend on which other prompts share its batch. Each step the
 * model predicts the next token from the last T tokens of the row (its window), as one row at a
 * time did; a row stops at the end-of-text id or after `maxTokens` tokens.
 *
 * On a model the key-value cache reproduces (kv-decoder.ts), rows decode incrementally while
 * their whole sequence fits in the context; a row that outgrows it (its window starts to slide,
 * which moves every position) finishes with batched full-window passes, as do all rows of other
 * models.
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

/** Every row's progress; rows are indices into these arrays. */
interface Rows {
  readonly prompts: readonly Int32Array[];
  readonly rngs: readonly Rng[];
  readonly generated: number[][];
  readonly done: boolean[];
  readonly options: GenerationOptions;
  readonly config: GenerateConfig;
}

/** Generated ids per prompt; each prompt already starts with the end-of-text id. */
export function generateIds(model: LanguageModel, prompts: readonly Int32Array[], options: GenerationOptions, config: GenerateConfig): number[][] {
  const T = config.maxLength;
  const state: Rows = {
    prompts, options, config,
    rngs: prompts.map((_, i) => new Rng(deriveSeed(options.seed, `generate#${i}`))),
    generated: prompts.map(() => []),
    done: prompts.map(() => options.maxTokens <= 0),
  };
  const scale = config.kvCache === false ? undefined : verifiedKvScale(model);
  const all = prompts.map((_, i) => i).filter((i) => !state.done[i]);
  const cached = scale === undefined ? [] : all.filter((i) => prompts[i].length <= T);
  const windowed = all.filter((i) => !cached.includes(i));
  for (const chunk of chunks(cached)) windowed.push(...decodeCached(new KvDecoder(model as DecoderLM, scale), chunk, state));
  for (const chunk of chunks(windowed.sort((a, b) => a - b))) decodeWindows(model, chunk, state);
  return state.generated;
}

function chunks(rows: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_BATCH) out.push(rows.slice(start, start + ROWS_PER_BATCH));
  return out;
}

/** One sampling step: logits row r [V] belongs to `rows[r]`; rows already done (or `skip`) are left alone. */
function sampleRows(logits: Float32Array, rows: readonly number[], state: Rows, skip?: readonly boolean[]): void {
  const { generated, done, rngs, options, config } = state;
  const vocab = logits.length / rows.length;
  rows.forEach((row, r) => {
    if (done[row] || skip?.[r]) return;
    const next = sampleToken(logits.subarray(r * vocab, (r + 1) * vocab), options, rngs[row]);
    if (next === config.eosId) done[row] = true;
    else generated[row].push(next);
    if (generated[row].length >= options.maxTokens) done[row] = true;
  });
}

/**
 * Incremental decoding of `rows` (prompts of at most T tokens). Returns the rows that outgrew the
 * context before finishing: their sequences are as far as the cache could take them.
 */
function decodeCached(decoder: KvDecoder, rows: readonly number[], state: Rows): number[] {
  const { prompts, generated, done, config } = state;
  const T = config.maxLength;
  const longest = Math.max(...rows.map((i) => prompts[i].length));
  const outgrown = rows.map(() => false);
  const length = (i: number) => prompts[i].length + generated[i].length;
  try {
    let logits = decoder.start(rows.map((i) => prompts[i]), config.eosId, longest + state.options.maxTokens);
    for (;;) {
      sampleRows(logits, rows, state, outgrown);
      // the next step would feed position length(i) - 1 >= T: the window slides from here on
      rows.forEach((i, r) => { if (!done[i] && length(i) > T) outgrown[r] = true; });
      if (rows.every((i, r) => done[i] || outgrown[r])) break;
      // finished and outgrown rows feed the end-of-text id: their outputs are never read
      logits = decoder.step(Int32Array.from(rows, (i, r) => (done[i] || outgrown[r] ? config.eosId : generated[i][generated[i].length - 1])));
    }
  } finally {
    decoder.dispose();
  }
  return rows.filter((i, r) => outgrown[r] && !done[i]);
}

/** Batched full-window passes: each step, every running row's last T tokens, right-padded. */
function decodeWindows(model: LanguageModel, rows: readonly number[], state: Rows): void {
  const { prompts, generated, done, config } = state;
  const T = config.maxLength;
  for (;;) {
    const active = rows.filter((i) => !done[i]);
    if (active.length === 0) return;
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
      return tf.gather(flat, tf.tensor1d(windows.map((w, r) => r * time + w.length - 1), 'int32')); // [B, V]
    }));
    sampleRows(logits, active, state);
  }
}
