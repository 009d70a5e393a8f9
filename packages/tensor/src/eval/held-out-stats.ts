import * as tf from '#tfjs';
import {
  encodeDocuments,
  type Board,
  type EvalContext,
  type EvalData,
  type EvalSubject,
  type Evaluator,
  type LanguageModel,
  type MetricRecord,
  type TrainedTokenizer,
} from '@labbench/core';
import { fixedWindows } from '../train/batches.js';
import { modelSeqLen } from '../train/engine.js';
import { cachedTokenizer } from './encode-cache.js';

/**
 * The opening every evaluator of a model's forward statistics shares (NSAR, active experts, a
 * model's measured cost): held-out in-domain text cut into windows of the model's context, run
 * forward without gradients, statistics averaged over tokens. Written once here so the windows an
 * evaluator reads, and how it weights batches, cannot drift between evaluators.
 */

/** `count` windows of `time` tokens, row-major in `ids` [count * time]. */
export interface TokenWindows {
  readonly ids: Int32Array;
  readonly count: number;
  readonly time: number;
}

/**
 * Each text encoded and prefixed with the end-of-text id, the documents joined, and at most
 * `maxWindows` non-overlapping windows of `time` tokens taken from the start.
 */
export function heldOutWindows(tokenizer: TrainedTokenizer, texts: readonly string[], time: number, maxWindows: number): TokenWindows {
  // core's stream (each document followed by end-of-text) shifted one place right behind a
  // leading end-of-text: the same ids, with no per-document spread (which overflows the call
  // stack past about 120k tokens)
  const joined = encodeDocuments(tokenizer, texts);
  const stream = new Int32Array(joined.length);
  if (stream.length > 0) {
    stream[0] = tokenizer.eosId;
    stream.set(joined.subarray(0, joined.length - 1), 1);
  }
  const { ids, count } = fixedWindows(stream, time, maxWindows);
  return { ids, count, time };
}

/**
 * Windows of the model's context length over the held-out in-domain documents. Encodings go
 * through the process-wide cache, so the documents the perplexity evaluator already encoded with
 * this tokenizer are not encoded again (same ids either way).
 */
export async function inDomainWindows(model: LanguageModel, tokenizer: TrainedTokenizer, data: EvalData, maxWindows: number): Promise<TokenWindows> {
  const time = modelSeqLen(model);
  const docs = await data.inDomain();
  return heldOutWindows(
    cachedTokenizer(tokenizer),
    docs.map((d) => d.text),
    time,
    maxWindows,
  );
}

/**
 * The subject's model with its in-domain windows, or undefined for a subject without a model
 * (tokenizer-only arms), which such evaluators skip.
 */
export async function subjectWindows(
  subject: EvalSubject,
  data: EvalData,
  maxWindows: number,
): Promise<{ model: LanguageModel; windows: TokenWindows } | undefined> {
  const { model } = subject;
  return model ? { model, windows: await inDomainWindows(model, subject.tokenizer, data, maxWindows) } : undefined;
}

/** An evaluator that measures a model on its held-out in-domain windows (see heldOutEvaluator). */
export interface HeldOutEvaluatorSpec {
  readonly id: string;
  readonly description: string;
  readonly boards: readonly Board[];
  /** At most this many windows: the study's option `option` (default `maxWindows`), else `default`. */
  readonly windows: { readonly option?: string; readonly default: number };
  measure(model: LanguageModel, windows: TokenWindows, subject: EvalSubject, context: EvalContext): MetricRecord[] | Promise<MetricRecord[]>;
}

/**
 * A causal-model evaluator that opens the way every forward-statistics evaluator does (the
 * subject's model, its windows of held-out in-domain text) and hands them to `measure`; subjects
 * without a model give no records.
 */
export function heldOutEvaluator(spec: HeldOutEvaluatorSpec): Evaluator {
  const { id, description, boards, windows } = spec;
  return {
    id,
    description,
    boards,
    requires: 'causal',
    async evaluate(subject, context) {
      const input = await subjectWindows(subject, context.data, Number(context.options[windows.option ?? 'maxWindows'] ?? windows.default));
      return input ? spec.measure(input.model, input.windows, subject, context) : [];
    },
  };
}

/** Windows `from` (inclusive) to `to` (exclusive) of `windows`, sharing its ids (no copy). */
export function sliceWindows(windows: TokenWindows, from: number, to: number = windows.count): TokenWindows {
  const { time } = windows;
  return { ids: windows.ids.subarray(from * time, to * time), count: to - from, time };
}

/**
 * Runs the model (training: false) over the windows in batches of `batch` rows and returns every
 * forward stat averaged over tokens (each batch weighted by its rows), elementwise for vector
 * stats, with the number of tokens read.
 */
export function heldOutForwardStats(model: LanguageModel, windows: TokenWindows, batch: number): { stats: Record<string, number[]>; tokens: number } {
  const { ids, count, time } = windows;
  const sums = new Map<string, Float64Array>();
  for (let start = 0; start < count; start += batch) {
    const rows = Math.min(batch, count - start);
    tf.tidy(() => {
      const x = tf.tensor2d(ids.subarray(start * time, (start + rows) * time), [rows, time], 'int32');
      const out = model.forward(x, { training: false });
      for (const [name, value] of Object.entries(out.stats ?? {})) {
        const data = value.dataSync();
        const sum = sums.get(name) ?? new Float64Array(data.length);
        for (let i = 0; i < data.length; i++) sum[i] += data[i] * rows;
        sums.set(name, sum);
      }
    });
  }
  const stats: Record<string, number[]> = {};
  for (const [name, sum] of sums) stats[name] = Array.from(sum, (s) => s / Math.max(1, count));
  return { stats, tokens: count * time };
}
