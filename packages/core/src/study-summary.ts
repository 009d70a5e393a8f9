import type { MetricRecord } from './contracts/evaluator.js';
import type { ResultRecord } from './results.js';

/**
 * A post-run step over all records of one study: comparisons across arms that a per-cell evaluator
 * cannot make (it sees one cell). Its records land on a pseudo-arm (default `summary`) of the study,
 * one set per seed, so leaderboards show them beside the arms.
 *
 * Plugins declare them (`definePlugin({ summaries })`); `labbench run` applies them to its own
 * records and `labbench publish` to the merged records (so sharded runs get them too).
 */
export interface StudySummary {
  readonly id: string;
  readonly study: string;
  /** Records of the study for one seed (every arm) -> metrics about the study as a whole. */
  summarize(records: readonly ResultRecord[]): MetricRecord[];
}

/**
 * Runs a summary per seed over `records` and returns the records with the summary's output appended
 * (earlier output of the same summary replaced, so it can be rerun). Provenance is copied from the
 * study's first record of that seed, with `plugins['summary:<id>']` added.
 */
export function applyStudySummary(records: readonly ResultRecord[], summary: StudySummary, arm = 'summary'): ResultRecord[] {
  const tag = `summary:${summary.id}`;
  const kept = records.filter((r) => !(r.study === summary.study && r.arm === arm && r.provenance.plugins[tag] !== undefined));
  const own = kept.filter((r) => r.study === summary.study);
  const seeds = [...new Set(own.map((r) => r.seed))].sort((a, b) => a - b);
  const added: ResultRecord[] = [];
  for (const seed of seeds) {
    const bySeed = own.filter((r) => r.seed === seed);
    const first = bySeed[0];
    for (const m of summary.summarize(bySeed)) {
      if (!Number.isFinite(m.value)) continue;
      added.push({
        schema: 'labbench.result/v1', study: summary.study, studyVersion: first.studyVersion, arm, seed,
        board: m.board, metric: m.metric, value: m.value,
        ...(m.stderr !== undefined && Number.isFinite(m.stderr) ? { stderr: m.stderr } : {}),
        direction: m.direction, n: Math.round(m.n), ...(m.details ? { details: m.details } : {}),
        provenance: { ...first.provenance, plugins: { ...first.provenance.plugins, [tag]: '1' } },
      });
    }
  }
  return [...kept, ...added];
}

/** Applies every summary whose study has records. */
export function applyStudySummaries(records: readonly ResultRecord[], summaries: readonly StudySummary[]): ResultRecord[] {
  let out = [...records];
  for (const summary of summaries) if (out.some((r) => r.study === summary.study)) out = applyStudySummary(out, summary);
  return out;
}
