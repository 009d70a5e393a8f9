/**
 * The page's only script: renders each board as a table that sorts on a header click and filters
 * on input. It builds every cell with textContent, never innerHTML, so a metric name or arm id
 * holding markup stays text. The Content-Security-Policy allows exactly this script (by hash).
 */
export const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById('data').textContent);
const fmt = (x) => x === null || x === undefined || Number.isNaN(x) ? '' : Math.abs(x) >= 1e6 ? x.toExponential(2) : Number(x.toPrecision(4)).toString();
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
function metricCell(c) {
  const td = el('td');
  if (!c) return td;
  td.append(fmt(c.mean) + (c.ciHigh > c.ciLow ? ' [' + fmt(c.ciLow) + ', ' + fmt(c.ciHigh) + ']' : ''));
  if (c.rank) td.append(' ', el('span', '#' + c.rank, 'rank'));
  return td;
}
function render(board) {
  const section = document.getElementById('board-' + board.board);
  const table = section.querySelector('table');
  const filter = section.querySelector('input');
  const columns = [
    { key: 'study', label: 'study', value: (r) => r.study },
    { key: 'arm', label: 'arm', value: (r) => r.arm },
    ...board.facets.map((f) => ({ key: 'f:' + f, label: f, value: (r) => r.facets[f] ?? null })),
    { key: 'winRate', label: 'win rate', value: (r) => r.winRate, show: (r) => el('td', fmt(r.winRate)) },
    ...board.metrics.map((m) => ({ key: 'm:' + m.name, label: m.name + (m.direction === 'higher' ? ' \\u2191' : m.direction === 'lower' ? ' \\u2193' : ''),
      value: (r) => r.metrics[m.name] ? r.metrics[m.name].mean : null, show: (r) => metricCell(r.metrics[m.name]) })),
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
    const rows = board.rows.filter((r) => (r.study + ' ' + r.arm + ' ' + Object.values(r.facets).join(' ')).toLowerCase().includes(q)).sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      if (x === y) return a.study.localeCompare(b.study) || a.arm.localeCompare(b.arm);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const d = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.asc ? d : -d;
    });
    const head = el('tr');
    for (const c of columns) {
      const th = el('th', c.label, c.key === sort.key ? (sort.asc ? 'asc' : 'desc') : '');
      th.addEventListener('click', () => { sort = { key: c.key, asc: sort.key === c.key ? !sort.asc : true }; draw(); });
      head.append(th);
    }
    const thead = el('thead'); thead.append(head);
    const tbody = el('tbody');
    for (const r of rows) {
      const tr = el('tr');
      for (const c of columns) tr.append(c.show ? c.show(r) : el('td', String(c.value(r) ?? '')));
      tbody.append(tr);
    }
    table.replaceChildren(thead, tbody);
  }
  filter.addEventListener('input', draw);
  draw();
}
data.forEach(render);
`;
