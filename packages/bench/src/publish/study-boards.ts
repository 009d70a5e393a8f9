import { type Board, buildBoard, type LeaderboardRow, orderMetrics, type ResultRecord } from '@labbench/core';
import { compact, escapeHtml, fmt, range } from './html.js';

/** The data of one sortable board table on the page (rendered by the page script with textContent). */
export interface BoardData {
  readonly board: string;
  readonly facets: string[];
  readonly metrics: { name: string; direction: string }[];
  readonly rows: Record<string, unknown>[];
}

/**
 * The boards that have records, in reading order: the board most studies report on first, ties
 * alphabetically. Boards are registered by plugins, so the page takes them from the records.
 */
export function boardsInRecords(records: readonly Pick<ResultRecord, 'board' | 'study'>[]): Board[] {
  const studies = new Map<Board, Set<string>>();
  for (const r of records) studies.set(r.board, (studies.get(r.board) ?? new Set()).add(r.study));
  return [...studies].sort(([a, x], [b, y]) => y.size - x.size || a.localeCompare(b)).map(([id]) => id);
}

/**
 * Six significant digits for the page's data: the tables show four, sorting needs no more, and
 * full doubles made the embedded data about twice as large (the page has a 2 MB budget). The CSVs
 * and results.jsonl keep every digit.
 */
const sig = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

/** One table per board: rows per (study, arm, facets), headline metrics first. */
export function boardData(
  records: readonly ResultRecord[],
  headline: Partial<Record<Board, readonly string[]>> = {},
  facetOrder: readonly string[] = [],
): BoardData[] {
  return boardsInRecords(records).flatMap((board) => {
    const rows = buildBoard(records, board);
    if (rows.length === 0) return [];
    const directions = new Map<string, string>();
    for (const row of rows) for (const [name, cell] of row.metrics) directions.set(name, cell.direction);
    return [
      {
        board,
        facets: orderFacets(
          rows.flatMap((r) => Object.keys(r.facets)),
          facetOrder,
        ),
        metrics: orderMetrics(directions.keys(), headline[board]).map((name) => ({ name, direction: directions.get(name)! })),
        rows: rows.map((row) => ({
          study: row.study,
          arm: row.arm,
          facets: row.facets,
          winRate: row.winRate === undefined ? null : sig(row.winRate),
          seeds: row.seeds,
          paramsTotal: row.provenance.paramsTotal,
          paramsActive: row.provenance.paramsActive,
          flopsPerToken: row.provenance.flopsPerTokenInference,
          tokens: row.provenance.tokens,
          backend: row.provenance.backend,
          metrics: Object.fromEntries(
            [...row.metrics].map(([name, c]) => [name, { mean: sig(c.mean), ciLow: sig(c.ciLow), ciHigh: sig(c.ciHigh), rank: c.rank }]),
          ),
        })),
      },
    ];
  });
}

interface StudyRow {
  readonly key: string;
  readonly row: LeaderboardRow;
  readonly board: Board;
}
/** A study's rows (arm + facets) -> that row on each board. */
type Rows = Map<string, Map<Board, LeaderboardRow>>;

const arrow = (d: string) => (d === 'higher' ? ' \u2191' : d === 'lower' ? ' \u2193' : '');

function cell(row: LeaderboardRow | undefined, metric: string): string {
  const c = row?.metrics.get(metric);
  if (!c) return '<td></td>';
  const ci = c.ciHigh > c.ciLow ? ` [${fmt(c.ciLow)}, ${fmt(c.ciHigh)}]` : '';
  return `<td>${escapeHtml(fmt(c.mean) + ci)}${c.rank ? ` <span class="rank">#${c.rank}</span>` : ''}</td>`;
}

/** A table whose rows are the study's arms (and facets) and whose columns are the given metrics (`board/metric`). */
function table(rows: Rows, facets: string[], metrics: string[], directions: Map<string, string>, withSeeds: boolean): string {
  const split = (m: string) => [m.slice(0, m.indexOf('/')) as Board, m.slice(m.indexOf('/') + 1)] as const;
  const head =
    ['arm', ...facets].map((h) => `<th>${escapeHtml(h)}</th>`).join('') +
    metrics.map((m) => `<th title="${escapeHtml(split(m)[0])} board">${escapeHtml(split(m)[1] + arrow(directions.get(m) ?? 'none'))}</th>`).join('') +
    (withSeeds ? '<th>seeds</th><th>params</th><th>tokens</th>' : '');
  const body = [...rows.values()]
    .map((byBoard) => {
      const any = [...byBoard.values()][0];
      const keyCells = [any.arm, ...facets.map((f) => any.facets[f] ?? '')].map((t) => `<td>${escapeHtml(t)}</td>`).join('');
      const metricCells = metrics.map((m) => cell(byBoard.get(split(m)[0]), split(m)[1])).join('');
      const p = any.provenance;
      const extra = withSeeds ? `<td>${any.seeds}</td><td>${escapeHtml(compact(p.paramsTotal))}</td><td>${escapeHtml(compact(p.tokens))}</td>` : '';
      return `<tr>${keyCells}${metricCells}${extra}</tr>`;
    })
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const has = (byBoard: Map<Board, LeaderboardRow>, key: string) =>
  byBoard.get(key.slice(0, key.indexOf('/')) as Board)?.metrics.has(key.slice(key.indexOf('/') + 1)) ?? false;

/**
 * The compact board's columns: the claims' metrics; rows that have none of them (the facet rows of
 * a detection benchmark beside its summary) add their two most common metrics, so no row is blank.
 */
function compactMetrics(rows: Rows, all: readonly string[], headline: readonly string[]): string[] {
  const shown = all.filter((m) => headline.includes(m));
  if (shown.length === 0) shown.push(...all.slice(0, 3));
  const blank = [...rows.values()].filter((byBoard) => !shown.some((m) => has(byBoard, m)));
  const counts = new Map<string, number>();
  for (const byBoard of blank) for (const m of all) if (has(byBoard, m)) counts.set(m, (counts.get(m) ?? 0) + 1);
  const extra = all
    .filter((m) => counts.has(m))
    .sort((a, b) => counts.get(b)! - counts.get(a)!)
    .slice(0, 2);
  return [...shown, ...extra.sort((a, b) => all.indexOf(a) - all.indexOf(b))];
}

const COMPACT_ROWS = 15;

/** At most 15 rows, best first by the most widely measured shown metric; the rest stay in the full table. */
function compactRows(rows: Rows, shown: readonly string[], directions: ReadonlyMap<string, string>): { kept: Rows; note: string } {
  if (rows.size <= COMPACT_ROWS) return { kept: rows, note: '' };
  const key = [...shown].sort((a, b) => [...rows.values()].filter((r) => has(r, b)).length - [...rows.values()].filter((r) => has(r, a)).length)[0];
  const board = key.slice(0, key.indexOf('/')) as Board;
  const metric = key.slice(key.indexOf('/') + 1);
  const sign = directions.get(key) === 'lower' ? 1 : -1;
  const value = (byBoard: Map<Board, LeaderboardRow>) => byBoard.get(board)?.metrics.get(metric)?.mean;
  // rows without that metric but with another shown one (a study summary's row) always stay
  const others = [...rows].filter(([, r]) => value(r) === undefined && shown.some((m) => has(r, m)));
  const measured = [...rows].filter(([, r]) => value(r) !== undefined);
  // facet rows pooled over the most facets (generator `all`, decoding `all`) compete first: a
  // detector's slice of one generator would otherwise crowd the headline rows out
  const pooledCount = (r: Map<Board, LeaderboardRow>) => Object.values([...r.values()][0].facets).filter((v) => v === 'all').length;
  const most = Math.max(0, ...measured.map(([, r]) => pooledCount(r)));
  const pooled = measured.filter(([, r]) => pooledCount(r) === most);
  const over =
    most === 0 ? [] : Object.keys([...pooled[0][1].values()][0].facets).filter((f) => pooled.every(([, r]) => [...r.values()][0].facets[f] === 'all'));
  const sorted = [...pooled, ...measured.filter(([, r]) => pooledCount(r) !== most)].sort(
    ([, a], [, b]) => Number(pooledCount(b) === most) - Number(pooledCount(a) === most) || sign * (value(a)! - value(b)!),
  );
  const kept = [...others, ...sorted].slice(0, Math.max(COMPACT_ROWS, others.length));
  const among = over.length > 0 ? ` among the rows over all ${over.join(' and ')}` : '';
  return {
    kept: new Map(kept),
    note: `${kept.length} of ${rows.size} rows: the best by ${metric}${among}${others.length ? ', and the study summary' : ''}; every row is in the full table below.`,
  };
}

/** Facet columns in the registered boards' order (task, detector, generator, ...), others alphabetically after them. */
export function orderFacets(names: Iterable<string>, preferred: readonly string[] = []): string[] {
  const all = [...new Set(names)];
  return [...preferred.filter((f) => all.includes(f)), ...all.filter((f) => !preferred.includes(f)).sort()];
}

/**
 * One compact board per study: its arms (and facet rows) with the headline metrics (the claims')
 * first; every other metric behind a <details> toggle.
 */
export function studyBoards(
  records: readonly ResultRecord[],
  headline: ReadonlyMap<string, readonly string[]>,
  titles: ReadonlyMap<string, string>,
  facetOrder: readonly string[] = [],
): string {
  const studies = [...new Set(records.map((r) => r.study))].sort();
  const boards = new Map(boardsInRecords(records).map((b) => [b, buildBoard(records, b)] as const));
  return studies
    .map((study) => {
      const entries: StudyRow[] = [];
      for (const [board, rows] of boards)
        for (const row of rows) if (row.study === study) entries.push({ key: `${row.arm}\u0000${JSON.stringify(row.facets)}`, row, board });
      const rows = new Map<string, Map<Board, LeaderboardRow>>();
      const directions = new Map<string, string>();
      for (const e of entries) {
        rows.set(e.key, (rows.get(e.key) ?? new Map()).set(e.board, e.row));
        for (const [m, c] of e.row.metrics) directions.set(`${e.board}/${m}`, c.direction);
      }
      const facets = orderFacets(
        entries.flatMap((e) => Object.keys(e.row.facets)),
        facetOrder,
      );
      const all = orderMetrics(directions.keys(), headline.get(study) ?? []);
      const shown = compactMetrics(rows, all, headline.get(study) ?? []);
      const rest = all.filter((m) => !shown.includes(m));
      const { kept, note } = compactRows(rows, shown, directions);
      const own = records.filter((r) => r.study === study);
      const scale = `${range(own.map((r) => r.provenance.paramsTotal).filter((x) => x > 0))} parameters, ${range(own.map((r) => r.provenance.tokens).filter((x) => x > 0))} training tokens per arm, ${new Set(own.map((r) => r.seed)).size} seed(s)`;
      const title = titles.get(study);
      return `<section class="study" id="study-${escapeHtml(study)}"><h3>${escapeHtml(study)}${title ? `: ${escapeHtml(title)}` : ''}</h3>
<p class="scale">${escapeHtml(scale)}</p>
${table(
  kept,
  facets.filter((f) => [...kept.values()].some((r) => ([...r.values()][0].facets[f] ?? '') !== '')),
  shown,
  directions,
  true,
)}${note ? `\n<p class="scale">${escapeHtml(note)}</p>` : ''}
${rest.length > 0 || note ? `<details><summary>all ${all.length} metrics${note ? `, all ${rows.size} rows` : ''}</summary><div class="scroll">${table(rows, facets, all, directions, false)}</div></details>` : ''}
</section>`;
    })
    .join('\n');
}
