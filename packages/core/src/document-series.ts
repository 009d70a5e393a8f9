/**
 * Per-document series: what an evaluator writes into a record's details so that a claim's
 * statistics can resample evaluation documents (claims.ts reads them into a SeedMeasurement):
 *   details.perDocument        the per-document value x_i, in the order of details.documentIds
 *   details.perDocumentWeights the weight w_i (bytes, tokens or items of document i)
 *   details.aggregate          how the record's value is made from them:
 *     'weighted-mean'     value = sum(w x) / sum(w)           (bits per byte, accuracies)
 *     'exp-weighted-mean' value = exp(sum(w x) / sum(w))      (perplexities; x = mean NLL in nats)
 * so resampling documents and re-aggregating reproduces the record's value. The document order is
 * the evaluation set's, the same for every arm and seed, so arms pair document by document.
 */

export const SERIES_AGGREGATES = ['weighted-mean', 'exp-weighted-mean'] as const;
export type SeriesAggregate = (typeof SERIES_AGGREGATES)[number];

export function isSeriesAggregate(x: unknown): x is SeriesAggregate {
  return (SERIES_AGGREGATES as readonly unknown[]).includes(x);
}

export interface DocumentSeries {
  readonly perDocument: number[];
  readonly perDocumentWeights: number[];
  readonly aggregate: SeriesAggregate;
  readonly documentIds?: (string | number)[];
}

/** Six decimals: far below any effect a claim tests, and half the bytes of a full double in JSON. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The series of the documents whose weight is positive (a document with no bytes or tokens has no
 * value), in the given order: `value(i)` of document i, rounded to six decimals, weighted by
 * `weights[i]`; with `ids`, the kept documents' ids as `documentIds`.
 */
export function documentSeries(weights: readonly number[], value: (i: number) => number, aggregate: SeriesAggregate, ids?: readonly (string | number)[]): DocumentSeries {
  const kept = weights.flatMap((w, i) => (w > 0 ? [i] : []));
  const series = { perDocument: kept.map((i) => round(value(i))), perDocumentWeights: kept.map((i) => weights[i]), aggregate };
  return ids ? { ...series, documentIds: kept.map((i) => ids[i]) } : series;
}

/** Re-aggregates a series (what a bootstrap replicate does); equals the record's value on the full series. */
export function aggregateSeries(series: DocumentSeries): number {
  let num = 0;
  let den = 0;
  series.perDocument.forEach((x, i) => {
    num += x * series.perDocumentWeights[i];
    den += series.perDocumentWeights[i];
  });
  const mean = num / den;
  return series.aggregate === 'exp-weighted-mean' ? Math.exp(mean) : mean;
}

/**
 * The series of an evaluator whose metric is the plain mean of one value per item. Without
 * `documentOf` every item is its own document (weight 1); with it, items of one document (a thread,
 * a source text) are resampled together: each document's value is its items' mean and its weight
 * their count, in the order documents first appear, so the weighted mean is still the metric and
 * correlated items are not counted as independent.
 */
export function perItemDetails(values: readonly number[], documentOf?: readonly string[]) {
  const sums = new Map<string, { sum: number; count: number }>();
  values.forEach((v, i) => {
    const key = documentOf ? documentOf[i] : String(i);
    const entry = sums.get(key) ?? { sum: 0, count: 0 };
    entry.sum += v;
    entry.count += 1;
    sums.set(key, entry);
  });
  const groups = [...sums.values()];
  return {
    items: values.length, documents: groups.length, perDocument: groups.map((g) => g.sum / g.count), perDocumentWeights: groups.map((g) => g.count),
    aggregate: 'weighted-mean' as const,
  };
}
