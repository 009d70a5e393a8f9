import { BOARDS, buildBoard, orderMetrics, type Board, type LeaderboardRow, type ResultRecord } from '@labbench/core';
import { escapeHtml, fmt, range, compact } from './html.js';

/** The data of one sortable board table on the page (rendered by the page script with textContent). */
export interface BoardData {
  readonly board: string;
  readonly facets: string[];
  readonly metrics: { name: string; direction: string }[];
  readonly rows: Record<string, unknown>[];
}

/** One table per board: rows per (study, arm, facets), headline metrics first. */
export function boardData(records: readonly ResultRecord[], headline: Partial<Record<Board, readonly string[]>> = {}): BoardData[] {
  return BOARDS.flatMap((board) => {
    const rows = buildBoard(records, board);
    if (rows.length === 0) return [];
    const directions = new Map<string, string>();
    for (const row of rows) for (const [name, cell] of row.metrics) directions.set(name, cell.direction);
    return [{
      board,
      facets: [...new Set(rows.flatMap((r) => Object.keys(r.facets)))].sort(),
      metrics: orderMetrics(directions.keys(), headline[board]).map((name) => ({ name, direction: directions.get(name)! })),
      rows: rows.map((row) => ({
        study: row.study, arm: row.arm, facets: row.facets, winRate: row.winRate ?? null, seeds: row.seeds,
        paramsTotal: row.provenance.paramsTotal, paramsActive: row.provenance.paramsActive,
        flopsPerToken: row.provenance.flopsPerTokenInference, tokens: row.provenance.tokens, backend: row.provenance.backend,
        metrics: Object.fromEntries([...row.metrics].map(([name, c]) => [name, { mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, rank: c.rank }])),
      })),
    }];
  });
}

interface StudyRow { readonly key: string; readonly row: LeaderboardRow; readonly board: Board }

const arrow = (d: string) => (d === 'higher' ? ' \u2191' : d === 'lower' ? ' \u2193' : '');

function cell(row: LeaderboardRow | undefined, metric: string): string {
  const c = row?.metrics.get(metric);
  if (!c) return '<td></td>';
  const ci = c.ciHigh > c.ciLow ? ` [${fmt(c.ciLow)}, ${fmt(c.ciHigh)}]` : '';
  return `<td>${escapeHtml(fmt(c.mean) + ci)}${c.rank ? ` <span class="rank">#${c.rank}</span>` : ''}</td>`;
}

/** A table whose rows are the study's arms (and facets) and whose columns are the given metrics (`board/metric`). */
function table(rows: Map<string, Map<Board, LeaderboardRow>>, facets: string[], metrics: string[], directions: Map<string, string>, withSeeds: boolean): string {
  const split = (m: string) => [m.slice(0, m.indexOf('/')) as Board, m.slice(m.indexOf('/') + 1)] as const;
  const head = ['arm', ...facets].map((h) => `<th>${escapeHtml(h)}</th>`).join('')
    + metrics.map((m) => `<th title="${escapeHtml(split(m)[0])} board">${escapeHtml(split(m)[1] + arrow(directions.get(m) ?? 'none'))}</th>`).join('')
    + (withSeeds ? '<th>seeds</th><th>params</th><th>tokens</th>' : '');
  const body = [...rows.values()].map((byBoard) => {
    const any = [...byBoard.values()][0];
    const keyCells = [any.arm, ...facets.map((f) => any.facets[f] ?? '')].map((t) => `<td>${escapeHtml(t)}</td>`).join('');
    const metricCells = metrics.map((m) => cell(byBoard.get(split(m)[0]), split(m)[1])).join('');
    const p = any.provenance;
    const extra = withSeeds ? `<td>${any.seeds}</td><td>${escapeHtml(compact(p.paramsTotal))}</td><td>${escapeHtml(compact(p.tokens))}</td>` : '';
    return `<tr>${keyCells}${metricCells}${extra}</tr>`;
  }).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * One compact board per study: its arms (and facet rows) with the headline metrics (the claims')
 * first; every other metric behind a <details> toggle.
 */
export function studyBoards(records: readonly ResultRecord[], headline: ReadonlyMap<string, readonly string[]>, titles: ReadonlyMap<string, string>): string {
  const studies = [...new Set(records.map((r) => r.study))].sort();
  const boards = new Map(BOARDS.map((b) => [b, buildBoard(records, b)] as const));
  return studies.map((study) => {
    const entries: StudyRow[] = [];
    for (const [board, rows] of boards) for (const row of rows) if (row.study === study) entries.push({ key: `${row.arm}\u0000${JSON.stringify(row.facets)}`, row, board });
    const rows = new Map<string, Map<Board, LeaderboardRow>>();
    const directions = new Map<string, string>();
    for (const e of entries) {
      rows.set(e.key, (rows.get(e.key) ?? new Map()).set(e.board, e.row));
      for (const [m, c] of e.row.metrics) directions.set(`${e.board}/${m}`, c.direction);
    }
    const facets = [...new Set(entries.flatMap((e) => Object.keys(e.row.facets)))].sort();
    const all = orderMetrics(directions.keys(), headline.get(study) ?? []);
    const head = all.filter((m) => (headline.get(study) ?? []).includes(m));
    const shown = head.length > 0 ? head : all.slice(0, 3);
    const rest = all.filter((m) => !shown.includes(m));
    const own = records.filter((r) => r.study === study);
    const scale = `${range(own.map((r) => r.provenance.paramsTotal).filter((x) => x > 0))} parameters, ${range(own.map((r) => r.provenance.tokens).filter((x) => x > 0))} training tokens per arm, ${new Set(own.map((r) => r.seed)).size} seed(s)`;
    const title = titles.get(study);
    return `<section class="study" id="study-${escapeHtml(study)}"><h3>${escapeHtml(study)}${title ? `: ${escapeHtml(title)}` : ''}</h3>
<p class="scale">${escapeHtml(scale)}</p>
${table(rows, facets, shown, directions, true)}
${rest.length > 0 ? `<details><summary>all ${all.length} metrics</summary><div class="scroll">${table(rows, facets, all, directions, false)}</div></details>` : ''}
</section>`;
  }).join('\n');
}
