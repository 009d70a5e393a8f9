import { ContractError, facetsOf, type ResultRecord } from '@labbench/core';

/**
 * ROC curves as detection records carry them: `details.roc = { fpr: number[], tpr: number[] }`,
 * the curve's points from the strictest threshold to the loosest (both non-decreasing), as
 * sklearn.metrics.roc_curve returns them. Averaging over seeds is vertical (Fawcett 2006,
 * "An introduction to ROC analysis", section 7.1): each seed's TPR is read at fixed FPRs and the
 * mean and min-max are taken there, like sklearn's cross-validated ROC example.
 */
export interface RocCurve {
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
}

const MAX_POINTS = 100_000;

/** The record's `details.roc`, undefined when it has none; a ContractError naming the record when it is malformed. */
export function readRoc(record: ResultRecord): RocCurve | undefined {
  const roc = (record.details as { roc?: unknown } | undefined)?.roc;
  if (roc === undefined) return undefined;
  const where = `results of study '${record.study}', arm '${record.arm}', seed ${record.seed}, metric ${record.metric} › details.roc`;
  const fix = 'Emit details.roc = { fpr: number[], tpr: number[] }: equal lengths, values in [0, 1], both non-decreasing (sklearn.metrics.roc_curve order).';
  const { fpr, tpr } = (roc ?? {}) as { fpr?: unknown; tpr?: unknown };
  if (!Array.isArray(fpr) || !Array.isArray(tpr)) throw new ContractError(where, 'is not an object with fpr and tpr arrays.', fix);
  if (fpr.length !== tpr.length || fpr.length < 2 || fpr.length > MAX_POINTS) {
    throw new ContractError(where, `fpr and tpr must have one equal length from 2 to ${MAX_POINTS}, got ${fpr.length} and ${tpr.length}.`, fix);
  }
  const unit = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
  const bad = fpr.findIndex((x, i) => !unit(x) || !unit(tpr[i]) || (i > 0 && ((x as number) < fpr[i - 1] || (tpr[i] as number) < tpr[i - 1])));
  if (bad >= 0)
    throw new ContractError(
      where,
      `point ${bad} (fpr ${JSON.stringify(fpr[bad])}, tpr ${JSON.stringify(tpr[bad])}) is outside [0, 1], or fpr or tpr decreases there.`,
      fix,
    );
  return { fpr: fpr as number[], tpr: tpr as number[] };
}

/** Area under the curve by the trapezoidal rule (sklearn.metrics.auc). */
export function rocArea(curve: RocCurve): number {
  let area = 0;
  for (let i = 1; i < curve.fpr.length; i++) area += ((curve.fpr[i] - curve.fpr[i - 1]) * (curve.tpr[i] + curve.tpr[i - 1])) / 2;
  return area;
}

/**
 * TPR at `x` as numpy.interp(x, fpr, tpr) reads it: linear between the last point at or below `x`
 * and the next one, so on a vertical step (several points at one FPR, as sklearn's roc_curve
 * gives) the top of the step counts; left of the curve its first TPR, right of it its last.
 */
export function tprAt(curve: RocCurve, x: number): number {
  const { fpr, tpr } = curve;
  let lo = -1; // binary search: the last index with fpr <= x
  for (let a = 0, b = fpr.length - 1; a <= b; ) {
    const mid = (a + b) >> 1;
    if (fpr[mid] <= x) {
      lo = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  if (lo < 0) return tpr[0];
  if (lo === fpr.length - 1 || fpr[lo] === x) return tpr[lo];
  return tpr[lo] + ((tpr[lo + 1] - tpr[lo]) * (x - fpr[lo])) / (fpr[lo + 1] - fpr[lo]);
}

/** FPRs at which curves are averaged: every percent, and the low-FPR end (0.1% to 0.5%) that TPR@1%FPR is about. */
export const ROC_GRID: readonly number[] = [0, 0.001, 0.002, 0.005, ...Array.from({ length: 100 }, (_, i) => (i + 1) / 100)];

/** Mean, min and max TPR over the curves (one per seed) at each grid FPR. */
export function averageRoc(curves: readonly RocCurve[], grid: readonly number[] = ROC_GRID): { fpr: number; mean: number; low: number; high: number }[] {
  return grid.map((x) => {
    const values = curves.map((c) => tprAt(c, x));
    return { fpr: x, mean: values.reduce((a, b) => a + b, 0) / values.length, low: Math.min(...values), high: Math.max(...values) };
  });
}

/** One ROC curve of a task over seeds: the arm and its facets (all but task), with one curve per seed. */
export interface RocSeries {
  readonly task: string;
  readonly arm: string;
  readonly facets: Readonly<Record<string, string>>;
  readonly curves: RocCurve[];
  /** Mean area over seeds, computed from the curves themselves (whatever metric the record holds). */
  readonly area: number;
}

/**
 * The ROC series of a study's detectors, by task (a record's `facets.task`, else `all`); records
 * of direction `none` (controls) are left out. A (task, arm, facets) keeps one curve per seed: several records of one seed carrying the same curve (its AUROC and
 * TPR@1%FPR records) count once.
 */
export function rocSeries(records: readonly ResultRecord[]): RocSeries[] {
  const byKey = new Map<string, { task: string; arm: string; facets: Record<string, string>; bySeed: Map<number, RocCurve> }>();
  for (const r of records) {
    const curve = readRoc(r);
    // a control (direction none, e.g. a length-leakage probe) is not a detector to rank
    if (!curve || r.direction === 'none') continue;
    const { task = 'all', ...facets } = facetsOf(r);
    const key = JSON.stringify([task, r.arm, facets]);
    const entry = byKey.get(key) ?? { task, arm: r.arm, facets, bySeed: new Map() };
    if (!entry.bySeed.has(r.seed)) entry.bySeed.set(r.seed, curve);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ bySeed, ...rest }) => {
    const curves = [...bySeed].sort(([a], [b]) => a - b).map(([, c]) => c);
    return { ...rest, curves, area: curves.reduce((sum, c) => sum + rocArea(c), 0) / curves.length };
  });
}

/** Facet values meaning "not restricted" (hc3-plus writes `all`). */
const POOLED = new Set(['all', '']);

/**
 * The best `limit` series of one task by mean area. When some series pool over everything but the
 * detector (generator `all`, decoding `all`), only those compete, so the plot compares detectors
 * rather than one detector's per-generator slices.
 */
export function bestSeries(series: readonly RocSeries[], limit: number): RocSeries[] {
  const pooled = series.filter((s) => Object.entries(s.facets).every(([k, v]) => k === 'detector' || POOLED.has(v)));
  const pool = pooled.length > 0 ? pooled : series;
  return [...pool].sort((a, b) => b.area - a.area || seriesName(a, false).localeCompare(seriesName(b, false))).slice(0, limit);
}

/** A legend entry in full: the detector and any restricting facet, with the arm when arms differ. */
export function seriesName(s: RocSeries, withArm: boolean): string {
  const { detector, ...rest } = s.facets;
  const parts = [...(withArm || detector === undefined ? [s.arm] : []), ...(detector !== undefined ? [detector] : [])];
  for (const [k, v] of Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))) if (!POOLED.has(v)) parts.push(`${k} ${v}`);
  return parts.join(' / ');
}
