import { createHash } from 'node:crypto';
import { type ResultRecord, tallyVerdicts } from '@labbench/core';
import type { ClaimRow } from './claims-view.js';
import { compact, escapeHtml, fmt, range } from './html.js';
import { PAGE_SCRIPT } from './page-script.js';
import type { Plot } from './plots.js';
import { boardData, studyBoards } from './study-boards.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1400px; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
#boards th, #boards td, .study td { white-space: nowrap; }
th { background: #f5f5f5; } #boards th { cursor: pointer; } th.asc::after { content: ' \\25B2'; } th.desc::after { content: ' \\25BC'; }
.rank { color: #666; font-size: 11px; } .scroll { overflow-x: auto; }
.banner { background: #fff3cd; border: 1px solid #e0b000; padding: .5rem 1rem; font-weight: bold; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: .75rem; color: #fff; font-weight: 600; white-space: nowrap; }
.v-reproduced { background: #1a7f37; } .v-not-reproduced { background: #c62828; } .v-inconclusive { background: #8a6d00; }
.v-invalid-regime { background: #6f42c1; } .v-not-run, .v-preview { background: #888; }
td.gates { white-space: nowrap; font-size: 13px; } .gate-pass { color: #1a7f37; } .gate-fail { color: #c62828; } .gate-unknown { color: #888; }
dl.run { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; } dl.run dt { font-weight: 600; } dl.run dd { margin: 0; }
figure { display: inline-block; margin: .5rem; vertical-align: top; } img { max-width: 560px; }
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Nothing but this page's own script and style may run (by hash), images only from the page's
 * folder (the SVG plots); a string that slipped past escaping still could not execute.
 */
const CSP = `default-src 'none'; script-src ${hash(PAGE_SCRIPT)}; style-src ${hash(STYLE)}; img-src 'self' file: data:; base-uri 'none'; form-action 'none'`;

export interface PageInput {
  readonly records: readonly ResultRecord[];
  readonly claims: readonly ClaimRow[];
  /** Registered studies without records: named once under the table, not as rows of 'not run'. */
  readonly notRun?: readonly string[];
  readonly plots: readonly Plot[];
  /** Per study, its claims' metrics as `board/metric`, headline claims first. */
  readonly headline: ReadonlyMap<string, readonly string[]>;
  readonly boardHeadline?: Parameters<typeof boardData>[1];
  /** Facet columns in this order first (the registered boards' facets: task, detector, ...). */
  readonly facetOrder?: readonly string[];
  readonly titles?: ReadonlyMap<string, string>;
  /** A smoke (or otherwise preview) run: the page says so and gives no verdicts. */
  readonly preview: boolean;
}

/** Header facts: profiles, date, commits, seeds per arm, parameters and tokens per arm. */
function runHeader(records: readonly ResultRecord[], preview: boolean): string {
  const unique = (values: string[]) => [...new Set(values)].sort();
  const profiles = unique(records.map((r) => r.provenance.profile));
  const dates = records.map((r) => r.provenance.date).sort();
  const commits = unique(records.map((r) => r.provenance.gitCommit.slice(0, 12)));
  const seedsPerArm = new Map<string, Set<number>>();
  for (const r of records) seedsPerArm.set(`${r.study}/${r.arm}`, (seedsPerArm.get(`${r.study}/${r.arm}`) ?? new Set()).add(r.seed));
  const facts: [string, string][] = [
    ['profile', profiles.join(', ') || 'none'],
    ['date', dates.length ? `${dates[0].slice(0, 16).replace('T', ' ')} to ${dates[dates.length - 1].slice(0, 16).replace('T', ' ')} UTC` : 'never'],
    ['commit', commits.length > 3 ? `${commits.slice(0, 3).join(', ')} and ${commits.length - 3} more` : commits.join(', ') || '-'],
    [
      'seeds',
      `${range(
        [...seedsPerArm.values()].map((s) => s.size),
        String,
      )} per arm`,
    ],
    [
      'scale',
      `${range(records.map((r) => r.provenance.paramsTotal).filter((x) => x > 0))} parameters; ${range(records.map((r) => r.provenance.tokens).filter((x) => x > 0))} training tokens per arm; ${compact(records.length)} records`,
    ],
  ];
  const banner = preview
    ? `<p class="banner" id="preview-banner">preview: no verdicts. This page was published from a ${escapeHtml(profiles.join(' + '))} run, whose numbers only show that everything runs.</p>\n`
    : '';
  return `<header id="run"><h1>labbench leaderboards</h1>
${banner}<dl class="run">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd id="run-${k}">${escapeHtml(v)}</dd>`).join('')}</dl></header>`;
}

const badge = (verdict: string) => `<span class="badge v-${escapeHtml(verdict.replace(/\s+/g, '-'))}">${escapeHtml(verdict)}</span>`;

/** How many claims of each role reached each verdict, the line a reader looks for first. */
function verdictCounts(claims: readonly ClaimRow[]): string {
  const judged = claims.filter((c) => c.verdict !== 'not run');
  if (judged.length === 0) return '';
  const count = (role: ClaimRow['role']) => tallyVerdicts(judged.filter((c) => c.role === role).map((c) => c.verdict)).map(([verdict, n]) => `${badge(verdict)} ${n}`).join(' ') || 'none';
  return `<p id="verdict-counts">${judged.length} claims judged. Headline (one per paper): ${count('headline')}. Secondary: ${count('secondary')}.</p>\n`;
}

/** The replication table: paper, claim, the paper's figure, the measured effect and interval, verdict, gates. */
function replicationTable(claims: readonly ClaimRow[], preview: boolean, notRun: readonly string[]): string {
  const rows = claims
    .map((c, i) => {
      const effect =
        c.effect === null
          ? '-'
          : `${c.scale === 'ratio' ? '\u00d7' : ''}${fmt(c.effect)}${c.interval ? ` [${fmt(c.interval[0])}, ${fmt(c.interval[1])}]` : ''}`;
      const gates =
        c.gates.length === 0
          ? '-'
          : c.gates
              .map(
                (g) =>
                  `<span class="gate-${g.passed === true ? 'pass' : g.passed === false ? 'fail' : 'unknown'}" title="${escapeHtml(g.text)}">${g.passed === true ? '\u2713' : g.passed === false ? '\u2717' : '?'} ${escapeHtml(g.gate)}${g.detail ? ` <small>(${escapeHtml(g.detail)})</small>` : ''}</span>`,
              )
              .join('<br>');
      const verdict = preview ? badge('preview') : badge(c.verdict);
      const paper = i > 0 && claims[i - 1].paper === c.paper ? '' : escapeHtml(c.paper); // one paper, several claims: named once
      return (
        `<tr><td>${paper}</td><td>${escapeHtml(c.claim)}${c.role === 'secondary' ? ' <small>(secondary)</small>' : ''}<br><small>${escapeHtml(c.study)}: ${escapeHtml(c.metric)}</small></td>` +
        `<td>${escapeHtml(c.figure || '-')}</td><td class="effect">${escapeHtml(effect)}</td><td class="verdict" title="${escapeHtml(c.reason)}">${verdict}</td><td class="gates">${gates}</td><td>${c.seeds}</td></tr>`
      );
    })
    .join('\n');
  return `<section id="replication"><h2>Replication</h2>
<p>Effect = method \u2212 baseline (\u00d7: method / baseline) on the claim's metric, mean over paired seeds with its 95% interval. Details: <a href="REPLICATION.md">REPLICATION.md</a>.</p>
${preview ? '' : verdictCounts(claims)}<table><thead><tr><th>paper</th><th>claim</th><th>paper's figure</th><th>measured effect [95% CI]</th><th>verdict</th><th>gates</th><th>seeds</th></tr></thead><tbody>
${rows}
</tbody></table>${notRun.length > 0 ? `\n<p id="not-run">Not run here: ${notRun.map(escapeHtml).join(', ')}.</p>` : ''}</section>`;
}

function plotsSection(plots: readonly Plot[]): string {
  const studies = [...new Set(plots.map((p) => p.study))].sort();
  const groups = studies.map(
    (study) =>
      `<h3>${escapeHtml(study)}</h3>\n${plots
        .filter((p) => p.study === study)
        .map(
          (p) =>
            `<figure><img src="plots/${p.file.split('/').map(encodeURIComponent).join('/')}" alt="${escapeHtml(p.title)}"><figcaption>${escapeHtml(p.title)}</figcaption></figure>`,
        )
        .join('\n')}`,
  );
  return `<section id="plots"><h2>Plots</h2>\n${groups.join('\n')}\n</section>`;
}

/**
 * One self-contained page that leads with answers: what was run (profile, date, commit, seeds,
 * scale), the replication table, one compact board per study, every board as a sortable table,
 * then the plots grouped by study. Every string is escaped here or set with textContent by the
 * page script, and a Content-Security-Policy admits only the page's own script and style.
 */
export function sitePage(input: PageInput): string {
  const boards = boardData(input.records, input.boardHeadline, input.facetOrder);
  const sections = boards
    .map(
      (b) =>
        `<section id="board-${escapeHtml(b.board)}"><h3>${escapeHtml(b.board)}</h3><input type="search" placeholder="filter study, arm or facet"><div class="scroll"><table></table></div></section>`,
    )
    .join('\n');
  const json = JSON.stringify(boards).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>labbench leaderboards${input.preview ? ' (preview)' : ''}</title>
<style>${STYLE}</style></head>
<body>
${runHeader(input.records, input.preview)}
${replicationTable(input.claims, input.preview, input.notRun ?? [])}
<section id="studies"><h2>Boards by study</h2>
<p>Means over seeds with 95% confidence intervals; ranks (#) are per study and direction-aware (\u2191 higher is better, \u2193 lower). Tidy data: <a href="results.csv">results.csv</a> (one row per study, arm, seed, metric); every record: <a href="results.jsonl">results.jsonl</a>.</p>
${studyBoards(input.records, input.headline, input.titles ?? new Map(), input.facetOrder)}
</section>
<section id="boards"><h2>All boards</h2>
<p>Every board as one table: click a header to sort, type to filter; the win rate counts pairwise wins within a study, overlapping intervals as ties.</p>
${sections}
</section>
${plotsSection(input.plots)}
<script type="application/json" id="data">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
