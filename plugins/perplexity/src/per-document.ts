/**
 * The per-document series of this plugin's records (the convention is core's document-series.ts):
 * one value per scored document with bytes or tokens, in the evaluation set's order, and the ids of
 * exactly those documents (so values and ids stay aligned if a document has nothing to score).
 */
import { type DocumentSeries, documentSeries, type RollingScore } from '@labbench/core';

/** Bits per byte of each document, weighted by its bytes. */
export function bitsPerByteSeries(scores: readonly RollingScore[], ids: readonly string[]): DocumentSeries {
  return documentSeries(scores.map((s) => s.bytes), (i) => -scores[i].logLikelihood / scores[i].bytes / Math.LN2, 'weighted-mean', ids);
}

/** Mean NLL per token (nats) of each document, weighted by its tokens: exp of the weighted mean is the token perplexity. */
export function tokenNllSeries(scores: readonly RollingScore[], ids: readonly string[]): DocumentSeries {
  return documentSeries(scores.map((s) => s.tokens), (i) => -scores[i].logLikelihood / scores[i].tokens, 'exp-weighted-mean', ids);
}

/** Mean NLL per byte (nats) of each document, weighted by its bytes: exp of the weighted mean is the byte perplexity. */
export function byteNllSeries(scores: readonly RollingScore[], ids: readonly string[]): DocumentSeries {
  return documentSeries(scores.map((s) => s.bytes), (i) => -scores[i].logLikelihood / scores[i].bytes, 'exp-weighted-mean', ids);
}
