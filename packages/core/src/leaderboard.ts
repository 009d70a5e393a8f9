import { stringify } from 'csv-stringify/sync';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BOARD_ID_PATTERN, type BoardDefinition } from './contracts/board.js';
import type { Board } from './contracts/evaluator.js';
import { writeFileAtomic } from './atomic.js';
import { boardsOf } from './boards.js';
import type { ResultRecord } from './results.js';
import { summarizeMetric, type Summary } from './stats.js';

export interface MetricCell extends Summary {
  readonly direction: 'higher' | 'lower' | 'none';
  /** 1 = best among the study's arms, or for faceted rows among those differing only in the subject facet (direction-aware); 0 when the metric has no direction. */
  readonly rank: number;
}

/** What a board row is keyed by beyond study and arm, e.g. `{ task, detector, generator }`. */
export type Facets = Readonly<Record<string, string>>;

export interface LeaderboardRow {
  readonly study: string;
  readonly arm: string;
  /** The record's `details.facets` (empty for most studies): one row per distinct set. */
  readonly facets: Facets;
  readonly metrics: ReadonlyMap<string, MetricCell>;
  /** Share of pairwise comparisons won within the study, overlapping CIs counting as ties (half). */
  readonly winRate: number | undefined;
  readonly seeds: number;
  readonly provenance: ResultRecord['provenance'];
}

const FACET_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * A record's facets: `details.facets` when it is an object of at most 16 short strings with
 * plain keys, else none. A benchmark with many tasks and detectors thus gets a row per
 * combination instead of a column per combination.
 */
export function facetsOf(record: Pick<ResultRecord, 'details'>): Facets {
  const raw = (record.details as { facets?: unknown } | undefined)?.facets;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const entries = Object.entries(raw as Record<string, unknown>);
  const ok = entries.length <= 16 && entries.every(([k, v]) => FACET_KEY.test(k) && typeof v === 'string' && v.length <= 200);
  return ok ? Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))) as Facets : {};
}

/** A stable text key of facets (sorted keys). */
export const facetKey = (facets: Facets): string => Object.entries(facets).map(([k, v]) => `${k}=${v}`).join('\u0001');

/** Facet names that say what is being compared, in order of preference. */
const SUBJECT_FACETS = ['detector', 'method', 'model', 'system'];

/**
 * The facet a faceted board compares along: `detector` (or method, model, system) when present,
 * else the one with the most distinct values in the study, ties to the first key alphabetically.
 */
function subjectFacet(all: readonly Facets[]): string | undefined {
  const named = SUBJECT_FACETS.find((k) => all.some((f) => k in f));
  if (named) return named;
  const distinct = new Map<string, Set<string>>();
  for (const f of all) for (const [k, v] of Object.entries(f)) distinct.set(k, (distinct.get(k) ?? new Set()).add(v));
  return [...distinct].sort(([a, x], [b, y]) => y.size - x.size || a.localeCompare(b))[0]?.[0];
}

/**
 * Rows are ranked against each other when they agree on every facet but the subject: detectors
 * on the same task, generator and decoding. Rows without facets compare with each other only.
 */
function comparable(a: Facets, b: Facets, subject: string | undefined): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => k === subject ? (k in a) === (k in b) : a[k] === b[k]);
}

/** Groups records into one row per (study, arm, facets) with per-metric mean, 95% CI and rank. */
export function buildBoard(records: readonly ResultRecord[], board: Board): LeaderboardRow[] {
  const rows = new Map<string, { study: string; arm: string; facets: Facets; values: Map<string, { v: number[]; d: MetricCell['direction'] }>; seeds: Set<number>; last: ResultRecord }>();
  for (const r of records) {
    if (r.board !== board) continue;
    const facets = facetsOf(r);
    const key = `${r.study}\u0000${r.arm}\u0000${facetKey(facets)}`;
    const row = rows.get(key) ?? { study: r.study, arm: r.arm, facets, values: new Map(), seeds: new Set<number>(), last: r };
    const metric = row.values.get(r.metric) ?? { v: [], d: r.direction };
    metric.v.push(r.value);
    row.values.set(r.metric, metric);
    row.seeds.add(r.seed);
    row.last = r;
    rows.set(key, row);
  }
  const summaries = [...rows.values()].map((row) => ({
    ...row,
    cells: new Map([...row.values].map(([m, { v, d }]) => [m, { ...summarizeMetric(m, v), direction: d }] as const)),
  }));
  const subjects = new Map([...new Set(summaries.map((r) => r.study))].map((study) => [study, subjectFacet(summaries.filter((r) => r.study === study).map((r) => r.facets))] as const));
  const ranked = summaries.map((row) => {
    const peers = summaries.filter((p) => p.study === row.study && comparable(row.facets, p.facets, subjects.get(row.study)));
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
      study: row.study, arm: row.arm, facets: row.facets, metrics, winRate: comparisons > 0 ? wins / comparisons : undefined,
      seeds: row.seeds.size, provenance: row.last.provenance,
    } satisfies LeaderboardRow;
  });
  return ranked.sort((a, b) => a.study.localeCompare(b.study) || a.arm.localeCompare(b.arm) || facetKey(a.facets).localeCompare(facetKey(b.facets)));
}

/**
 * Metric names of the rows in reading order: the headline metrics (a study's claims) first, in
 * the order given, then the rest alphabetically.
 */
export function orderMetrics(names: Iterable<string>, headline: readonly string[] = []): string[] {
  const present = new Set(names);
  const first = [...new Set(headline)].filter((m) => present.has(m));
  return [...first, ...[...present].filter((m) => !first.includes(m)).sort()];
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

/**
 * Neutralises spreadsheet formulas: a text cell starting with =, +, -, @, tab or CR gets a leading
 * quote. A cell already starting with a quote gets one too, so no two texts share a cell (`=a` and
 * `'=a` stay two keys of results.csv).
 */
export function safeText(value: string): string {
  return /^[=+\-@\t\r']/.test(value) ? `'${value}` : value;
}

const PROVENANCE_COLUMNS = [
  'params_total', 'params_active', 'flops_per_token_train', 'flops_per_token_inference', 'tokens', 'seeds',
  'backend', 'native_kernels', 'profile', 'labbench_version', 'config_hash', 'git_commit', 'date',
] as const;

/** csv-stringify with explicit casts: no exponent notation, true/false, ISO dates, formula-safe text. */
function toCsv(table: unknown[][]): string {
  return stringify(table, {
    record_delimiter: 'unix',
    cast: {
      number: (x) => formatNumber(x),
      boolean: (x) => (x ? 'true' : 'false'),
      date: (x) => x.toISOString(),
      string: (x) => safeText(x),
    },
  });
}

/** Drops every column whose cells are empty in all rows (a board mixing studies is otherwise mostly holes). */
function dropEmptyColumns(header: string[], body: unknown[][]): unknown[][] {
  const keep = header.map((_, i) => body.some((row) => row[i] !== '' && row[i] !== undefined && row[i] !== null));
  return [header, ...body].map((row) => row.filter((_, i) => keep[i]));
}

export interface BoardCsvOptions {
  /** Metrics to put first (the claims' metrics of the board's studies, then the board's headline). */
  readonly headline?: readonly string[];
  /** Facet columns in this order (the registered board's facets); others follow alphabetically. */
  readonly facets?: readonly string[];
}

/**
 * One CSV per board: a row per (study, arm, facets), mean and 95% CI over seeds per metric, rank,
 * provenance. Headline metrics come first; columns empty in every row are left out.
 */
export function boardCsv(rows: readonly LeaderboardRow[], options: BoardCsvOptions = {}): string {
  const metricNames = orderMetrics(rows.flatMap((r) => [...r.metrics.keys()]), options.headline);
  const facetNames = orderMetrics(rows.flatMap((r) => Object.keys(r.facets)), options.facets);
  const header = ['study', 'arm', ...facetNames, 'win_rate', ...metricNames.flatMap((m) => [m, `${m}.ci_low`, `${m}.ci_high`, `${m}.rank`]), ...PROVENANCE_COLUMNS];
  const body = rows.map((row) => {
    const p = row.provenance;
    const metricCells = metricNames.flatMap((m) => {
      const c = row.metrics.get(m);
      // one seed has no interval over seeds: empty, not a copy of the mean (and dropped when every row has one seed)
      return c ? [c.mean, c.n < 2 ? '' : c.ciLow, c.n < 2 ? '' : c.ciHigh, c.direction === 'none' ? '' : c.rank] : ['', '', '', ''];
    });
    return [
      row.study, row.arm, ...facetNames.map((f) => row.facets[f] ?? ''), row.winRate ?? '', ...metricCells,
      p.paramsTotal, p.paramsActive, p.flopsPerTokenTrain, p.flopsPerTokenInference, p.tokens, row.seeds,
      p.backend, p.nativeKernels, p.profile, p.labbenchVersion, p.configHash.slice(0, 16), p.gitCommit.slice(0, 12), p.date,
    ];
  });
  return toCsv(dropEmptyColumns(header, body));
}

const FIXED_LONG = ['study', 'study_version', 'arm', 'seed', 'board', 'metric'] as const;
const LONG_TAIL = [
  'value', 'stderr', 'n', 'direction', 'params_total', 'params_active', 'flops_per_token_train', 'flops_per_token_inference',
  'tokens', 'backend', 'native_kernels', 'profile', 'labbench_version', 'config_hash', 'cell_key', 'git_commit', 'date', 'wall_seconds',
] as const;

/**
 * results.csv, the tidy (long) table for pandas or R: one row per (study, arm, seed, metric[,
 * facets]) with the value and the cell's provenance. Facet keys become columns (prefixed with
 * `facet_` only where a key would clash with a fixed column).
 */
export function resultsCsv(records: readonly ResultRecord[]): string {
  const taken = new Set<string>([...FIXED_LONG, ...LONG_TAIL]);
  const facetKeys = [...new Set(records.flatMap((r) => Object.keys(facetsOf(r))))].sort();
  const facetColumns = facetKeys.map((k) => (taken.has(k) ? `facet_${k}` : k));
  const header = [...FIXED_LONG, ...facetColumns, ...LONG_TAIL];
  const body = records.map((r) => {
    const f = facetsOf(r);
    const p = r.provenance;
    return [
      r.study, r.studyVersion, r.arm, r.seed, r.board, r.metric, ...facetKeys.map((k) => f[k] ?? ''),
      r.value, r.stderr ?? '', r.n, r.direction, p.paramsTotal, p.paramsActive, p.flopsPerTokenTrain, p.flopsPerTokenInference,
      p.tokens, p.backend, p.nativeKernels, p.profile, p.labbenchVersion, p.configHash, p.cellKey, p.gitCommit, p.date, p.wallSeconds ?? '',
    ];
  });
  return toCsv([header, ...body]);
}

export interface WriteLeaderboardsOptions {
  /** Headline metrics per board (see boardCsv): the claims' metrics. */
  readonly headline?: Readonly<Partial<Record<Board, readonly string[]>>>;
  /** Registered boards (Registry.boards()): each one's headline metric and facet order shape its CSV. */
  readonly boards?: readonly BoardDefinition[];
}

/** A CSV this module wrote for a board: `<board id>.csv` whose header starts with the board's key columns. */
function isBoardCsv(dir: string, file: string): boolean {
  if (!file.endsWith('.csv') || !BOARD_ID_PATTERN.test(file.slice(0, -4))) return false;
  return readFileSync(join(dir, file), 'utf8').slice(0, 9) === 'study,arm';
}

/**
 * Writes `<board>.csv` for every board that has records and removes the board CSVs of an earlier
 * run whose board has none now, so a folder always holds the set its records give (never stale
 * boards); other files are left alone. Returns the paths written.
 */
export function writeLeaderboards(records: readonly ResultRecord[], outDir: string, options: WriteLeaderboardsOptions = {}): string[] {
  const written: string[] = [];
  const defs = new Map((options.boards ?? []).map((b) => [b.id, b] as const));
  for (const board of boardsOf(records)) {
    const def = defs.get(board);
    const headline = [...(options.headline?.[board] ?? []), ...(def ? [def.headline] : [])];
    const path = join(outDir, `${board}.csv`);
    writeFileAtomic(path, boardCsv(buildBoard(records, board), { headline, facets: def?.facets }));
    written.push(path);
  }
  if (existsSync(outDir)) {
    for (const file of readdirSync(outDir)) {
      if (!written.includes(join(outDir, file)) && isBoardCsv(outDir, file)) rmSync(join(outDir, file), { force: true });
    }
  }
  return written;
}
