import type { Registry, ReplicationEntry } from '@labbench/core';
import type { ClaimResult } from './replication.js';

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
  readonly interval: readonly [number, number] | null;
  /** `ratio` when the effect is a method / baseline ratio (log-scale claims). */
  readonly scale: 'difference' | 'ratio';
  readonly verdict: string;
  readonly reason: string;
  readonly seeds: number;
  readonly gates: readonly { readonly gate: string; readonly passed: boolean | null; readonly text: string }[];
}

/** From the statistics engine's replication entries (the page's preferred source). */
export function rowsFromEntries(entries: readonly ReplicationEntry[]): ClaimRow[] {
  return entries.map((e) => ({
    paper: e.paper, study: e.study, claim: e.text, role: e.role, metric: e.metric,
    figure: e.paperFigure ? `${e.paperFigure.figure}${e.paperFigure.source ? ` (${e.paperFigure.source})` : ''}` : '',
    effect: e.ratio ? e.ratio.value : e.effect,
    interval: e.ratio ? [e.ratio.low, e.ratio.high] : e.interval,
    scale: e.ratio ? 'ratio' : 'difference',
    verdict: e.correctedVerdict ?? e.verdict, reason: e.reason, seeds: e.seeds,
    gates: e.gates.map((g) => ({ gate: g.gate, passed: g.passed, text: g.text })),
  }));
}

/** From the paired-seed ClaimResults (before replication entries are produced). */
export function rowsFromClaims(registry: Registry, claims: readonly ClaimResult[]): ClaimRow[] {
  const paperOf = new Map<string, string>();
  for (const { plugin, origin } of registry.plugins) {
    for (const s of plugin.studies ?? []) paperOf.set(s.id, origin.manifest.paper?.title ?? s.paper?.title ?? plugin.id);
  }
  return claims.map((c) => {
    const figure = (c.claim as { paper?: { figure?: string; source?: string } }).paper;
    return {
      paper: paperOf.get(c.study) ?? c.study, study: c.study, claim: c.claim.text,
      role: (c.claim as { role?: 'headline' | 'secondary' }).role ?? 'headline', metric: c.claim.metric,
      figure: figure?.figure ? `${figure.figure}${figure.source ? ` (${figure.source})` : ''}` : '',
      effect: c.difference?.mean ?? null,
      interval: c.difference ? [c.difference.ciLow, c.difference.ciHigh] : null,
      scale: 'difference', verdict: c.verdict, reason: '', seeds: c.seeds, gates: [],
    };
  });
}
