import { facetsOf } from './leaderboard.js';
import type { ResultRecord } from './results.js';

/**
 * Which records of an arm a claim compares. A claim names a metric; on a faceted board (one row
 * per task, detector, ...) it also names facets: `{ metric: 'auroc', facets: { task: 'A', detector:
 * ['x', 'y'] } }` selects the records whose `details.facets` hold every given key with that value
 * (a list: any of its values). The claim's value for a seed is then the mean over the selected
 * records, so a benchmark needs no aggregate metrics (and no facet-less columns) for its claims.
 */
export type FacetFilter = Readonly<Record<string, string | readonly string[]>>;

/** True when the record's facets hold every key of the filter with an allowed value. */
export function matchesFacets(record: Pick<ResultRecord, 'details'>, filter: FacetFilter): boolean {
  const facets = facetsOf(record);
  return Object.entries(filter).every(([key, want]) => {
    const have = facets[key];
    return have !== undefined && (typeof want === 'string' ? have === want : want.includes(have));
  });
}

/**
 * One record per seed: the seed's only record as it is, or for several (a facet selection) their
 * mean value with the parts' facets in details (per-document values do not carry over: the parts
 * are scored on different texts). Order: by seed.
 */
export function meanPerSeed(records: readonly ResultRecord[]): ResultRecord[] {
  const bySeed = new Map<number, ResultRecord[]>();
  for (const r of records) bySeed.set(r.seed, [...(bySeed.get(r.seed) ?? []), r]);
  return [...bySeed].sort(([a], [b]) => a - b).map(([, rows]) => {
    if (rows.length === 1) return rows[0];
    const value = rows.reduce((a, r) => a + r.value, 0) / rows.length;
    const { stderr: _within, ...first } = rows[0];
    return { ...first, value, n: rows.reduce((a, r) => a + r.n, 0), details: { meanOf: rows.map((r) => ({ ...facetsOf(r), value: r.value })) } };
  });
}

/** The records a claim reads for one arm: by study, board, arm and metric, then facets (mean per seed) when given. */
export function selectClaimRecords(records: readonly ResultRecord[], where: { study: string; board: string; arm: string; metric: string; facets?: FacetFilter }): ResultRecord[] {
  const rows = records.filter((r) => r.study === where.study && r.board === where.board && r.arm === where.arm && r.metric === where.metric);
  return where.facets === undefined ? rows : meanPerSeed(rows.filter((r) => matchesFacets(r, where.facets!)));
}
