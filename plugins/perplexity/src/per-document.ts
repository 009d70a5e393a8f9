import type { RollingScore } from '@labbench/core';

/**
 * Per-document values for the statistics engineer's bootstrap over evaluation documents. Every
 * record of this plugin whose value is a (function of a) weighted mean over documents carries:
 *   details.perDocument        the per-document value x_i, in the order of details.documentIds
 *   details.perDocumentWeights the weight w_i (bytes or tokens of document i)
 *   details.aggregate          how the value is made from them:
 *     'weighted-mean'     value = sum(w x) / sum(w)           (bits per byte)
 *     'exp-weighted-mean' value = exp(sum(w x) / sum(w))      (perplexities; x = mean NLL in nats)
 * so resampling documents and re-aggregating reproduces the record's value exactly. The document
 * order is the evaluation set's (fixed by the profile's limits), the same for every arm and seed.
 */
export interface DocumentSeries {
  readonly perDocument: number[];
  readonly perDocumentWeights: number[];
  readonly aggregate: 'weighted-mean' | 'exp-weighted-mean';
}

const round = (x: number) => Math.round(x * 1e6) / 1e6; // six decimals: exact enough, half the bytes

/** Bits per byte of each document, weighted by its bytes. */
export function bitsPerByteSeries(scores: readonly RollingScore[]): DocumentSeries {
  const kept = scores.filter((s) => s.bytes > 0);
  return { perDocument: kept.map((s) => round(-s.logLikelihood / s.bytes / Math.LN2)), perDocumentWeights: kept.map((s) => s.bytes), aggregate: 'weighted-mean' };
}

/** Mean NLL per token (nats) of each document, weighted by its tokens: exp of the weighted mean is the token perplexity. */
export function tokenNllSeries(scores: readonly RollingScore[]): DocumentSeries {
  const kept = scores.filter((s) => s.tokens > 0);
  return { perDocument: kept.map((s) => round(-s.logLikelihood / s.tokens)), perDocumentWeights: kept.map((s) => s.tokens), aggregate: 'exp-weighted-mean' };
}

/** Mean NLL per byte (nats) of each document, weighted by its bytes: exp of the weighted mean is the byte perplexity. */
export function byteNllSeries(scores: readonly RollingScore[]): DocumentSeries {
  const kept = scores.filter((s) => s.bytes > 0);
  return { perDocument: kept.map((s) => round(-s.logLikelihood / s.bytes)), perDocumentWeights: kept.map((s) => s.bytes), aggregate: 'exp-weighted-mean' };
}

/** Re-aggregates a series (what a bootstrap replicate does); equals the record's value on the full series. */
export function aggregateSeries(series: DocumentSeries): number {
  let num = 0;
  let den = 0;
  series.perDocument.forEach((x, i) => { num += x * series.perDocumentWeights[i]; den += series.perDocumentWeights[i]; });
  const mean = num / den;
  return series.aggregate === 'exp-weighted-mean' ? Math.exp(mean) : mean;
}
