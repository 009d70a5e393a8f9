import { stringify } from 'csv-stringify/sync';
import { join } from 'node:path';
import { BOARDS, type Board } from './contracts/evaluator.js';
import { writeFileAtomic } from './atomic.js';
import type { ResultRecord } from './results.js';
import { summarize, type Summary } from './stats.js';

export interface MetricCell extends Summary {
  readonly direction: 'higher' | 'lower' | 'none';
  /** 1 = best among the study's arms (direction-aware); 0 when the metric has no direction. */
  readonly rank: number;
}

export interface LeaderboardRow {
  readonly study: string;
  readonly arm: string;
  readonly metrics: ReadonlyMap<string, MetricCell>;
  /** Share of pairwise comparisons won within the study, overlapping CIs counting as ties (half). */
  readonly winRate: number | undefined;
  readonly seeds: number;
  readonly provenance: ResultRecord['provenance'];
}

/** Groups records into one row per (study, arm) with per-metric mean, 95% CI and rank. */
export function buildBoard(records: readonly ResultRecord[], board: Board): LeaderboardRow[] {
  const rows = new Map<string, { study: string; arm: string; values: Map<string, { v: number[]; d: MetricCell['direction'] }>; seeds: Set<number>; last: ResultRecord }>();
  for (const r of records) {
    if (r.board !== board) continue;
    const key = `${r.study}\u0000${r.arm}`;
    const row = rows.get(key) ?? { study: r.study, arm: r.arm, values: new Map(), seeds: new Set<number>(), last: r };
    const metric = row.values.get(r.metric) ?? { v: [], d: r.direction };
    metric.v.push(r.value);
    row.values.set(r.metric, metric);
    row.seeds.add(r.seed);
    row.last = r;
    rows.set(key, row);
  }
  const summaries = [...rows.values()].map((row) => ({
    ...row,
    cells: new Map([...row.values].map(([m, { v, d }]) => [m, { ...summarize(v), direction: d }] as const)),
  }));
  const ranked = summaries.map((row) => {
    const peers = summaries.filter((p) => p.study === row.study);
    const metrics = new Map<string, MetricCell>();
    let wins = 0;
    let comparisons = 0;
    for (const [name, cell] of row.cells) {
      let rank = 0;
      if (cell.direction !== 'none') {
        const better = (a: number, b: number) => (cell.direction === 'higher' ? a > b : a < b);
        rank = 1 + peers.filter((p) => p.cells.has(name) && better(p.cells.get(name)!.mean, cell.mean)).length;
        for (const peer of peers) {
          const other = peer.cells.get(name);
          if (peer === row || !other) continue;
          comparisons++;
          const overlap = cell.ciLow <= other.ciHigh && other.ciLow <= cell.ciHigh;
          wins += overlap ? 0.5 : better(cell.mean, other.mean) ? 1 : 0;
        }
      }
      metrics.set(name, { ...cell, rank });
    }
    return {
      study: row.study, arm: row.arm, metrics, winRate: comparisons > 0 ? wins / comparisons : undefined,
      seeds: row.seeds.size, provenance: row.last.provenance,
    } satisfies LeaderboardRow;
  });
  return ranked.sort((a, b) => a.study.localeCompare(b.study) || a.arm.localeCompare(b.arm));
}

/** Fixed significant digits and never exponent notation (csv-stringify's default would keep 1e-7). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  if (Math.abs(x) >= 1e6) return Math.round(x).toString();
  const fixed = Number(x.toPrecision(6));
  const text = String(fixed);
  if (!text.includes('e')) return text;
  return fixed.toFixed(12).replace(/\.?0+$/, '');
}

/** Neutralises spreadsheet formulas: a text cell starting with =, +, -, @, tab or CR gets a leading quote. */
export function safeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const PROVENANCE_COLUMNS = [
  'params_total', 'params_active', 'flops_per_token_train', 'flops_per_token_inference', 'tokens', 'seeds',
  'backend', 'native_kernels', 'profile', 'labbench_version', 'config_hash', 'git_commit', 'date',
] as const;

/** One CSV per board: a row per arm, mean and 95% CI over seeds per metric, rank, provenance. */
export function boardCsv(rows: readonly LeaderboardRow[]): string {
  const metricNames = [...new Set(rows.flatMap((r) => [...r.metrics.keys()]))].sort();
  const header = ['study', 'arm', 'win_rate', ...metricNames.flatMap((m) => [m, `${m}.ci_low`, `${m}.ci_high`, `${m}.rank`]), ...PROVENANCE_COLUMNS];
  const body = rows.map((row) => {
    const p = row.provenance;
    const metricCells = metricNames.flatMap((m) => {
      const c = row.metrics.get(m);
      return c ? [c.mean, c.ciLow, c.ciHigh, c.direction === 'none' ? '' : c.rank] : ['', '', '', ''];
    });
    return [
      row.study, row.arm, row.winRate ?? '', ...metricCells,
      p.paramsTotal, p.paramsActive, p.flopsPerTokenTrain, p.flopsPerTokenInference, p.tokens, row.seeds,
      p.backend, p.nativeKernels, p.profile, p.labbenchVersion, p.configHash.slice(0, 16), p.gitCommit.slice(0, 12), p.date,
    ];
  });
  return stringify([header, ...body], {
    record_delimiter: 'unix',
    cast: {
      number: (x) => formatNumber(x),
      boolean: (x) => (x ? 'true' : 'false'),
      date: (x) => x.toISOString(),
      string: (x) => safeText(x),
    },
  });
}

/** Writes `<board>.csv` for every board that has records; returns the paths written. */
export function writeLeaderboards(records: readonly ResultRecord[], outDir: string): string[] {
  const written: string[] = [];
  for (const board of BOARDS) {
    const rows = buildBoard(records, board);
    if (rows.length === 0) continue;
    const path = join(outDir, `${board}.csv`);
    writeFileAtomic(path, boardCsv(rows));
    written.push(path);
  }
  return written;
}
