import type { ReplicationEntry } from '@labbench/core';
import { fmt } from './html.js';
import { facetDifference } from './replication.js';

/** One row of the page's replication table, whatever produced the verdicts. */
export interface ClaimRow {
  readonly paper: string;
  readonly study: string;
  readonly claim: string;
  readonly role: 'headline' | 'secondary';
  readonly metric: string;
  /** The paper's figure and where it is stated, e.g. `27.7 vs 7,569 (Table 3)`. */
  readonly figure: string;
  readonly effect: number | null;
  readonly interval: readonly number[] | null; // [low, high]
  /** `ratio` when the effect is a method / baseline ratio (log-scale claims). */
  readonly scale: 'difference' | 'ratio';
  readonly verdict: string;
  readonly reason: string;
  readonly seeds: number;
  /** `detail`: measured against the threshold, e.g. `-0.62, needs >= 0.15` (empty when not measured). */
  readonly gates: readonly { readonly gate: string; readonly passed: boolean | null; readonly text: string; readonly detail: string }[];
}

/**
 * What the claim compares, in a line: the metric, and what tells the two sides apart when that is
 * not the arm alone (`auroc (task A vs task B-para, B-summ)`, `a vs b` for two-metric claims).
 */
function sides(e: ReplicationEntry): string {
  const facets = facetDifference(e);
  if (facets.method || facets.baseline) return `${e.metric} (${facets.method || 'all'} vs ${facets.baseline || 'all'})`;
  return e.baselineMetric && e.baselineMetric !== e.metric ? `${e.metric} vs ${e.baselineMetric}` : e.metric;
}

/** From the statistics engine's replication entries (the page's preferred source). */
export function rowsFromEntries(entries: readonly ReplicationEntry[]): ClaimRow[] {
  return entries.map((e) => ({
    paper: e.paper,
    study: e.study,
    claim: e.text,
    role: e.role,
    metric: sides(e),
    figure: e.paperFigure ? `${e.paperFigure.figure}${e.paperFigure.source ? ` (${e.paperFigure.source})` : ''}` : '',
    effect: e.ratio ? e.ratio.value : e.effect,
    interval: e.ratio ? [e.ratio.low, e.ratio.high] : e.interval,
    scale: e.ratio ? 'ratio' : 'difference',
    verdict: e.correctedVerdict ?? e.verdict,
    reason: e.reason,
    seeds: e.seeds,
    gates: e.gates.map((g) => ({
      gate: g.gate,
      passed: g.passed,
      text: g.text,
      detail: g.measured === null ? 'not measured' : `${fmt(g.measured)}, needs ${g.comparison === '>=' ? '\u2265' : '\u2264'} ${fmt(g.threshold)}`,
    })),
  }));
}
