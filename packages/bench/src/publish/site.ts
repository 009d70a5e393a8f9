import { BOARDS, buildBoard, type ResultRecord } from '@labbench/core';
import type { ClaimResult } from './replication.js';
import type { Plot } from './plots.js';

interface BoardData {
  readonly board: string;
  readonly metrics: { name: string; direction: string }[];
  readonly rows: Record<string, unknown>[];
}

/** The page's data: one table per board, rows per (study, arm) with mean, CI and rank per metric. */
export function siteData(records: readonly ResultRecord[]): BoardData[] {
  return BOARDS.flatMap((board) => {
    const rows = buildBoard(records, board);
    if (rows.length === 0) return [];
    const metrics = new Map<string, string>();
    for (const row of rows) for (const [name, cell] of row.metrics) metrics.set(name, cell.direction);
    return [{
      board,
      metrics: [...metrics].sort(([a], [b]) => a.localeCompare(b)).map(([name, direction]) => ({ name, direction })),
      rows: rows.map((row) => ({
        study: row.study, arm: row.arm, winRate: row.winRate ?? null, seeds: row.seeds,
        paramsTotal: row.provenance.paramsTotal, paramsActive: row.provenance.paramsActive,
        flopsPerToken: row.provenance.flopsPerTokenInference, tokens: row.provenance.tokens, backend: row.provenance.backend,
        metrics: Object.fromEntries([...row.metrics].map(([name, c]) => [name, { mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, rank: c.rank }])),
      })),
    }];
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The page script: renders each board as a table that sorts on a header click and filters on input.
const SCRIPT = `
const data = JSON.parse(document.getElementById('data').textContent);
const fmt = (x) => x === null || x === undefined || Number.isNaN(x) ? '' : Math.abs(x) >= 1e6 ? x.toExponential(2) : Number(x.toPrecision(4)).toString();
function render(board) {
  const section = document.getElementById('board-' + board.board);
  const table = section.querySelector('table');
  const filter = section.querySelector('input');
  const columns = [
    { key: 'study', label: 'study', value: (r) => r.study },
    { key: 'arm', label: 'arm', value: (r) => r.arm },
    { key: 'winRate', label: 'win rate', value: (r) => r.winRate, show: (r) => fmt(r.winRate) },
    ...board.metrics.map((m) => ({ key: 'm:' + m.name, label: m.name + (m.direction === 'higher' ? ' \\u2191' : m.direction === 'lower' ? ' \\u2193' : ''), metric: m.name,
      value: (r) => r.metrics[m.name] ? r.metrics[m.name].mean : null,
      show: (r) => { const c = r.metrics[m.name]; if (!c) return ''; const ci = c.ciHigh > c.ciLow ? ' [' + fmt(c.ciLow) + ', ' + fmt(c.ciHigh) + ']' : ''; return fmt(c.mean) + ci + (c.rank ? ' <span class="rank">#' + c.rank + '</span>' : ''); } })),
    { key: 'seeds', label: 'seeds', value: (r) => r.seeds },
    { key: 'paramsTotal', label: 'params total', value: (r) => r.paramsTotal },
    { key: 'paramsActive', label: 'params active', value: (r) => r.paramsActive },
    { key: 'flopsPerToken', label: 'FLOPs/token', value: (r) => r.flopsPerToken },
    { key: 'backend', label: 'backend', value: (r) => r.backend },
  ];
  let sort = { key: 'study', asc: true };
  function draw() {
    const q = filter.value.toLowerCase();
    const col = columns.find((c) => c.key === sort.key);
    const rows = board.rows.filter((r) => (r.study + ' ' + r.arm).toLowerCase().includes(q)).sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      if (x === y) return a.study.localeCompare(b.study) || a.arm.localeCompare(b.arm);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const d = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.asc ? d : -d;
    });
    table.innerHTML = '<thead><tr>' + columns.map((c) => '<th data-key="' + c.key + '" class="' + (c.key === sort.key ? (sort.asc ? 'asc' : 'desc') : '') + '">' + c.label + '</th>').join('') + '</tr></thead><tbody>' +
      rows.map((r) => '<tr>' + columns.map((c) => '<td>' + (c.show ? c.show(r) : String(c.value(r) ?? '')) + '</td>').join('') + '</tr>').join('') + '</tbody>';
    table.querySelectorAll('th').forEach((th) => th.addEventListener('click', () => {
      sort = { key: th.dataset.key, asc: sort.key === th.dataset.key ? !sort.asc : true };
      draw();
    }));
  }
  filter.addEventListener('input', draw);
  draw();
}
data.forEach(render);
`;

/** One self-contained page: tables per board (sortable, filterable), plots, replication verdicts. */
export function sitePage(boards: BoardData[], plots: readonly Plot[], claims: readonly ClaimResult[], generated: string): string {
  const sections = boards.map((b) => `<section id="board-${b.board}"><h2>${b.board}</h2><input type="search" placeholder="filter study or arm"><div class="scroll"><table></table></div></section>`).join('\n');
  const plotHtml = plots.map((p) => `<figure><img src="plots/${encodeURIComponent(p.file)}" alt="${escapeHtml(p.title)}"><figcaption>${escapeHtml(p.title)}</figcaption></figure>`).join('\n');
  const verdicts = claims.map((c) => `<tr><td>${escapeHtml(c.study)}</td><td>${escapeHtml(c.claim.text)}</td><td>${c.seeds}</td><td class="verdict">${c.verdict}</td></tr>`).join('');
  const json = JSON.stringify(boards).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>labbench leaderboards</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .5rem; text-align: left; white-space: nowrap; }
th { cursor: pointer; background: #f5f5f5; } th.asc::after { content: ' \\25B2'; } th.desc::after { content: ' \\25BC'; }
.rank { color: #666; font-size: 11px; } .scroll { overflow-x: auto; }
figure { display: inline-block; margin: .5rem; } img { max-width: 480px; }
</style></head>
<body>
<h1>labbench leaderboards</h1>
<p>Generated ${escapeHtml(generated)}. Means over seeds with 95% confidence intervals; ranks are per study and direction-aware (&#8593; higher is better, &#8595; lower); the win rate counts pairwise wins within a study, overlapping intervals as ties. Full data: <a href="results.jsonl">results.jsonl</a>; verdicts: <a href="REPLICATION.md">REPLICATION.md</a>.</p>
${sections}
<section id="claims"><h2>Replication verdicts</h2><table><thead><tr><th>study</th><th>claim</th><th>seeds</th><th>verdict</th></tr></thead><tbody>${verdicts}</tbody></table></section>
<section id="plots"><h2>Plots</h2>
${plotHtml}
</section>
<script type="application/json" id="data">${json}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
