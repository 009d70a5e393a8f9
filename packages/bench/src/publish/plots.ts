import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ResultRecord } from '@labbench/core';
import type { TrainingLine } from './merge.js';

export interface Plot {
  readonly file: string;
  readonly title: string;
  readonly study: string;
  readonly svg: string;
}

type Row = Record<string, string | number>;

/** Renders a Vega-Lite line or bar chart to SVG without a browser. */
async function render(title: string, values: Row[], encoding: TopLevelSpec['encoding' & keyof TopLevelSpec], mark: 'line' | 'bar' | 'point' = 'line'): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: 420, height: 220, data: { values }, mark: mark === 'line' ? { type: 'line', point: values.length < 60 } : mark, encoding,
  } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const q = (field: string, title = field) => ({ field, type: 'quantitative', title, scale: { zero: false } });
const n = (field: string, title = field) => ({ field, type: 'nominal', title });

/**
 * Loss curves, per-position losses, vector-valued model stats (expert load, NSAR ...) and ROC curves.
 * Per-token records (routing probes, top-1 assignments) are data for evaluators, not plots.
 */
export async function buildPlots(records: readonly ResultRecord[], training: readonly TrainingLine[]): Promise<Plot[]> {
  const plots: Plot[] = [];
  const studies = [...new Set([...training.map((t) => t.study), ...records.map((r) => r.study)])].sort();
  for (const study of studies) {
    const lines = training.filter((t) => t.study === study);
    const trainRows = lines.flatMap((t) => t.training.trainLoss.map((p) => ({ arm: t.arm, run: `${t.arm}/seed${t.seed}`, tokens: p.tokens, loss: p.value })));
    if (trainRows.length > 0) {
      plots.push({ study, file: `${study}-train-loss.svg`, title: `${study}: training loss`, svg: await render(`${study}: training loss`, trainRows, { x: q('tokens'), y: q('loss', 'loss (nats)'), color: n('arm'), detail: n('run') } as never) });
    }
    const validRows = lines.flatMap((t) => t.training.validLoss.map((p) => ({ arm: t.arm, run: `${t.arm}/seed${t.seed}`, tokens: p.tokens, loss: p.value })));
    if (validRows.length > 0) {
      plots.push({ study, file: `${study}-valid-loss.svg`, title: `${study}: validation loss`, svg: await render(`${study}: validation loss (in-domain)`, validRows, { x: q('tokens'), y: q('loss', 'loss (nats)'), color: n('arm'), detail: n('run') } as never) });
    }
    const positionRows = lines.flatMap((t) => {
      const curves = t.training.positionLosses.filter((c) => c.split === 'in-domain');
      const last = curves[curves.length - 1];
      return t.seed === 0 && last ? last.losses.map((loss, position) => ({ arm: t.arm, position, loss })) : [];
    });
    if (positionRows.length > 0) {
      plots.push({ study, file: `${study}-position-loss.svg`, title: `${study}: loss by position`, svg: await render(`${study}: final validation loss by position`, positionRows, { x: q('position'), y: q('loss', 'loss (nats)'), color: n('arm') } as never) });
    }
    const statNames = [...new Set(lines.flatMap((t) => Object.entries(t.training.modelStats).filter(([k, v]) => Array.isArray(v) && v.length > 1 && !k.startsWith('probe.') && !k.includes('.top1.')).map(([k]) => k)))].sort().slice(0, 8);
    for (const name of statNames) {
      const rows = lines.filter((t) => t.seed === 0).flatMap((t) => {
        const v = t.training.modelStats[name];
        return Array.isArray(v) ? v.map((value, index) => ({ arm: t.arm, index, value })) : [];
      });
      const safe = name.replace(/[^a-zA-Z0-9.-]/g, '_');
      plots.push({ study, file: `${study}-stat-${safe}.svg`, title: `${study}: ${name}`, svg: await render(`${study}: ${name}`, rows, { x: { field: 'index', type: 'ordinal' }, y: q('value'), color: n('arm'), xOffset: n('arm') } as never, 'bar') });
    }
    const rocRows = records.filter((r) => r.study === study && r.seed === 0 && Array.isArray((r.details as { roc?: unknown })?.roc)).slice(0, 12)
      .flatMap((r) => ((r.details as { roc: [number, number][] }).roc).map(([fpr, tpr]) => ({ curve: `${r.arm}: ${r.metric}`, fpr, tpr })));
    if (rocRows.length > 0) {
      plots.push({ study, file: `${study}-roc.svg`, title: `${study}: ROC curves`, svg: await render(`${study}: ROC curves`, rocRows, { x: q('fpr', 'false positive rate'), y: q('tpr', 'true positive rate'), color: n('curve') } as never) });
    }
  }
  return plots;
}
