import { ContractError, REFERENCE_ARMS, type ResultRecord } from '@labbench/core';
import type { TopLevelSpec } from 'vega-lite';
import type { TrainingLine } from './merge.js';
import { averageRoc, bestSeries, rocSeries, seriesName } from './roc.js';

export interface Plot {
  /** Path under plots/, always `<study>/<name>.svg` (or a kept file of an earlier publish). */
  readonly file: string;
  readonly title: string;
  readonly study: string;
  readonly svg: string;
}

type Row = Record<string, string | number>;

/** Plain ids: no leading or trailing dot, so `<name>.svg` never holds `..` (a name `x.` gave `x..svg`). */
const SAFE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._@-]{0,149}[A-Za-z0-9_@-])?$/;

/** A plot's path from validated parts only: publish never writes a name it did not check. */
export function plotFile(study: string, name: string): string {
  for (const part of [study, name]) {
    if (!SAFE_NAME.test(part) || part.includes('..'))
      throw new ContractError(`plot ${study}/${name}`, `unsafe file name part '${part}'.`, 'Study ids and plot names must be plain ids.');
  }
  return `${study}/${name}.svg`;
}

const safePart = (text: string) =>
  text
    .replace(/[^A-Za-z0-9.@-]+/g, '_')
    .replace(/\.\.+/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 120)
    .replace(/\.+$/, '') || 'x';

/** Renders a Vega-Lite spec to SVG without a browser; legends never truncate their labels. */
async function render(spec: Record<string, unknown>): Promise<string> {
  const full = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: 220,
    // aria: false drops a label per data point (about a fifth of every file): the page shows the
    // SVG in an <img>, whose alt text is what assistive technology reads, never the marks inside
    config: { aria: false, legend: { labelLimit: 0, titleLimit: 0, symbolOpacity: 1 }, axis: { labelLimit: 0, titleLimit: 0 }, title: { limit: 0 } },
    ...spec,
  } as unknown as TopLevelSpec;
  // loaded with the first plot, so the CLI's other commands (labbench list) do not load them
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return roundPathCoordinates(svg);
}

/**
 * Path coordinates to a tenth of a pixel: Vega writes three decimals, a third of a curve-heavy
 * file, and a tenth of a pixel is below what any screen shows (keeps the committed page under
 * 2 MB). Only `d` attributes: labels and ticks keep their digits.
 */
export function roundPathCoordinates(svg: string): string {
  return svg.replace(/ d="([^"]*)"/g, (_, d: string) => ` d="${d.replace(/-?\d+\.\d+/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`);
}

const q = (field: string, title: string, zero = false) => ({ field, type: 'quantitative', title, scale: { zero } });
/**
 * Colour by arm over the study's whole arm list (`domain`), so an arm keeps its colour in every
 * plot of its study; the legend lists only the arms a plot draws.
 */
const armColour = (domain: readonly string[], present: readonly string[]) => ({
  field: 'arm',
  type: 'nominal',
  title: 'arm',
  scale: { domain },
  legend: { values: domain.filter((a) => present.includes(a)) },
});
const present = (rows: readonly Row[]) => [...new Set(rows.map((r) => r.arm as string))];

/** Mean line over seeds with a min-max band where there are several seeds, and optional dashed reference levels. */
function bandSpec(
  title: string,
  rows: Row[],
  x: { field: string; title: string },
  yTitle: string,
  domain: readonly string[],
  references: Row[] = [],
): Record<string, unknown> {
  const arm = armColour([...domain, ...present(references)], [...present(rows), ...present(references)]);
  const withBand = rows.some((r) => (r.seeds as number) > 1);
  const line = { mark: { type: 'line', point: rows.length < 60 }, encoding: { x: q(x.field, x.title), y: q('mean', yTitle), color: arm } };
  const band = { mark: { type: 'area', opacity: 0.2 }, encoding: { x: q(x.field, x.title), y: q('low', yTitle), y2: { field: 'high' }, color: arm } };
  const rules = { data: { values: references }, mark: { type: 'rule', strokeDash: [6, 4] }, encoding: { y: q('mean', yTitle), color: arm } };
  return { title, data: { values: rows }, layer: [...(withBand ? [band] : []), line, ...(references.length > 0 ? [rules] : [])] };
}

/**
 * The unigram and bigram reference rows of a study as loss levels (ln of their in-domain test
 * perplexity, nats per token), drawn across the validation curves: a model whose curve stays above
 * the bigram line has not learned more than bigram statistics.
 */
function referenceLevels(study: string, records: readonly ResultRecord[]): Row[] {
  return Object.values(REFERENCE_ARMS).flatMap((ref) => {
    const values = records
      .filter((r) => r.study === study && r.arm === ref && r.board === 'ppl' && r.metric === 'id.all.token_ppl' && r.value > 0)
      .map((r) => Math.log(r.value));
    return values.length > 0 ? [{ arm: `${ref} (test loss)`, mean: values.reduce((a, b) => a + b, 0) / values.length }] : [];
  });
}

/** Mean, min and max over seeds per (arm, x). */
function aggregate(points: { arm: string; x: number; value: number | null }[], xField: string): Row[] {
  const groups = new Map<string, { arm: string; x: number; values: number[] }>();
  for (const p of points) {
    if (p.value === null || !Number.isFinite(p.value)) continue;
    const key = `${p.arm}\u0000${p.x}`;
    const g = groups.get(key) ?? { arm: p.arm, x: p.x, values: [] };
    g.values.push(p.value);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({
    arm: g.arm,
    [xField]: g.x,
    mean: g.values.reduce((a, b) => a + b, 0) / g.values.length,
    low: Math.min(...g.values),
    high: Math.max(...g.values),
    seeds: g.values.length,
  }));
}

/**
 * Arms whose losses live on different scales (Dial-MAE's objectives of 2, 6 and 12 nats) get
 * separate plots, so each axis carries one scale: arms sorted by median loss, a new group when
 * an arm's median exceeds twice the group's first.
 */
export function scaleGroups(rows: readonly Row[]): string[][] {
  const medians = new Map<string, number>();
  for (const a of new Set(rows.map((r) => r.arm as string))) {
    const values = rows
      .filter((r) => r.arm === a)
      .map((r) => r.mean as number)
      .sort((x, y) => x - y);
    medians.set(a, values[Math.floor(values.length / 2)]);
  }
  const groups: { first: number; arms: string[] }[] = [];
  for (const [a, m] of [...medians].sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))) {
    const last = groups[groups.length - 1];
    if (last && (last.first <= 0 || m <= 2 * last.first)) last.arms.push(a);
    else groups.push({ first: m, arms: [a] });
  }
  return groups.map((g) => g.arms.sort());
}

async function curvePlots(
  study: string,
  kind: 'train' | 'valid',
  lines: readonly TrainingLine[],
  domain: readonly string[],
  references: Row[] = [],
): Promise<Plot[]> {
  const points = lines.flatMap((t) =>
    (kind === 'train' ? t.training.trainLoss : t.training.validLoss).map((p) => ({ arm: t.arm, x: p.tokens, value: p.value })),
  );
  const rows = aggregate(points, 'tokens');
  if (rows.length === 0) return [];
  const label = kind === 'train' ? 'training loss' : 'validation loss (in-domain)';
  const groups = scaleGroups(rows);
  const plots: Plot[] = [];
  for (const [i, arms] of groups.entries()) {
    const title = groups.length > 1 ? `${study}: ${label}, ${arms.join(', ')}` : `${study}: ${label}`;
    const name = groups.length > 1 ? `${kind}-loss-${i + 1}` : `${kind}-loss`;
    const svg = await render(
      bandSpec(
        title,
        rows.filter((r) => arms.includes(r.arm as string)),
        { field: 'tokens', title: 'training tokens' },
        'loss (nats per token)',
        domain,
        kind === 'valid' ? references : [],
      ),
    );
    plots.push({ study, file: plotFile(study, name), title, svg });
  }
  return plots;
}

async function positionPlot(study: string, lines: readonly TrainingLine[], domain: readonly string[]): Promise<Plot[]> {
  const points = lines.flatMap((t) => {
    const curves = t.training.positionLosses.filter((c) => c.split === 'in-domain');
    const last = curves[curves.length - 1];
    return last ? last.losses.map((value, position) => ({ arm: t.arm, x: position, value })) : [];
  });
  const rows = aggregate(points, 'position');
  if (rows.length === 0) return [];
  const title = `${study}: final validation loss by position`;
  return [
    {
      study,
      file: plotFile(study, 'position-loss'),
      title,
      svg: await render(bandSpec(title, rows, { field: 'position', title: 'position in the context window' }, 'loss (nats per token)', domain)),
    },
  ];
}

/** `moe.tokensPerExpert.layer0` -> axis titles `expert` and `tokens per expert`. */
function statAxes(name: string): { x: string; y: string } {
  const parts = name.split('.').filter((p) => !/^layer\d+$/.test(p));
  const last = parts[parts.length - 1] ?? name;
  const y = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const x = /expert/i.test(name) ? 'expert' : /nsar|neuron|group/i.test(name) ? 'neuron group' : /head/i.test(name) ? 'head' : 'component';
  return { x, y: y === 'nsar' ? 'NSAR' : y };
}

async function statPlots(study: string, lines: readonly TrainingLine[], domain: readonly string[]): Promise<Plot[]> {
  const names = [
    ...new Set(
      lines.flatMap((t) =>
        Object.entries(t.training.modelStats)
          .filter(([k, v]) => Array.isArray(v) && v.length > 1 && !k.startsWith('probe.') && !k.includes('.top1.'))
          .map(([k]) => k),
      ),
    ),
  ]
    .sort()
    .slice(0, 8);
  const plots: Plot[] = [];
  for (const name of names) {
    const points = lines.flatMap((t) => {
      const v = t.training.modelStats[name];
      return Array.isArray(v) ? v.map((value, index) => ({ arm: t.arm, x: index, value })) : [];
    });
    const rows = aggregate(points, 'component');
    const axes = statAxes(name);
    const title = `${study}: ${name} (mean over seeds${rows.some((r) => (r.seeds as number) > 1) ? ', bars: min-max' : ''})`;
    const x = { field: 'component', type: 'ordinal', title: axes.x };
    // one explicit offset domain for both layers (the arms drawn, in colour order): without it
    // Vega unions two differently sorted domains and warns on every publish
    const offset = { field: 'arm', type: 'nominal', scale: { domain: domain.filter((a) => present(rows).includes(a)) } };
    const spec = {
      title,
      data: { values: rows },
      layer: [
        { mark: 'bar', encoding: { x, y: q('mean', axes.y, true), color: armColour(domain, present(rows)), xOffset: offset } },
        { mark: { type: 'rule' }, encoding: { x, y: q('low', axes.y, true), y2: { field: 'high' }, xOffset: offset } },
      ],
    };
    plots.push({ study, file: plotFile(study, `stat-${safePart(name)}`), title, svg: await render(spec) });
  }
  return plots;
}

/** How many detectors a task's ROC plot compares. */
const ROC_BEST = 5;

/**
 * ROC curves per task (a record's `facets.task`) for the best detectors by mean area, drawn from
 * `details.roc = { fpr, tpr }`: the vertical mean over seeds with a min-max band where there are
 * several, and the chance diagonal.
 */
async function rocPlots(study: string, records: readonly ResultRecord[]): Promise<Plot[]> {
  const series = rocSeries(records.filter((r) => r.study === study));
  const tasks = [...new Set(series.map((s) => s.task))].sort();
  const plots: Plot[] = [];
  for (const task of tasks) {
    const best = bestSeries(
      series.filter((s) => s.task === task),
      ROC_BEST,
    );
    const withArm = new Set(best.map((s) => s.arm)).size > 1;
    const names = best.map((s) => seriesName(s, withArm));
    // every ROC curve starts at the origin (a threshold above every score): drawn first, then the
    // averaged points, in that order (`i`), so the rise at FPR 0 is a vertical segment
    const origin = { fpr: 0, mean: 0, low: 0, high: 0 };
    const rows = best.flatMap((s, i) => [origin, ...averageRoc(s.curves)].map((p, k) => ({ detector: names[i], ...p, i: k })));
    const order = { field: 'i', type: 'quantitative' };
    const colour = { field: 'detector', type: 'nominal', title: 'detector (mean AUROC order)', scale: { domain: names }, legend: { values: names } };
    const axis = (field: string, title: string) => ({ field, type: 'quantitative', title, scale: { domain: [0, 1] } });
    // the band without the origin point: an area's order channel would stack it, not order it
    const band = {
      transform: [{ filter: 'datum.i > 0' }],
      mark: { type: 'area', opacity: 0.2 },
      encoding: { x: axis('fpr', 'false positive rate'), y: axis('low', 'true positive rate'), y2: { field: 'high' }, color: colour },
    };
    const line = { mark: 'line', encoding: { x: axis('fpr', 'false positive rate'), y: axis('mean', 'true positive rate'), color: colour, order } };
    const chance = {
      data: {
        values: [
          { fpr: 0, mean: 0 },
          { fpr: 1, mean: 1 },
        ],
      },
      mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
      encoding: { x: axis('fpr', 'false positive rate'), y: axis('mean', 'true positive rate') },
    };
    const several = best.some((s) => s.curves.length > 1);
    const title = `${study}: ROC curves${task === 'all' ? '' : `, task ${task}`}, best ${best.length} by AUROC${several ? ' (mean over seeds, band: min-max)' : ''}`;
    const spec = { title, width: 300, height: 300, data: { values: rows }, layer: [...(several ? [band] : []), line, chance] };
    plots.push({ study, file: plotFile(study, `roc-${safePart(task)}`), title, svg: await render(spec) });
  }
  return plots;
}

/**
 * Loss curves (validation against the unigram and bigram reference levels), per-position losses,
 * vector-valued model stats (expert load, NSAR ...) and ROC curves, each with the mean over seeds
 * and a min-max band. Per-token records (routing probes,
 * top-1 assignments) are data for evaluators, not plots.
 */
export async function buildPlots(records: readonly ResultRecord[], training: readonly TrainingLine[]): Promise<Plot[]> {
  const plots: Plot[] = [];
  const studies = [...new Set([...training.map((t) => t.study), ...records.map((r) => r.study)])].sort();
  for (const study of studies) {
    const lines = training.filter((t) => t.study === study);
    const domain = [...new Set(lines.map((t) => t.arm))].sort();
    plots.push(...(await curvePlots(study, 'train', lines, domain)), ...(await curvePlots(study, 'valid', lines, domain, referenceLevels(study, records))));
    plots.push(...(await positionPlot(study, lines, domain)), ...(await statPlots(study, lines, domain)), ...(await rocPlots(study, records)));
  }
  return plots;
}
