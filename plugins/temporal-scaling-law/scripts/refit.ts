/**
 * Analysis aid: refits the temporal scaling law at several fit fractions from the per-position
 * curves stored with a run's trained cells (the cache's `trained/<configHash>.json`), without
 * retraining. Usage: npx tsx plugins/temporal-scaling-law/scripts/refit.ts <run dir> <cache dir> [fractions, e.g. 0.25,0.5]
 */
import { join } from 'node:path';
import { ContentStore, readResults, type TrainingRecord } from '@labbench/core';
import { historyOf } from '../src/evaluator.js';
import { forecast } from '../src/forecast.js';

const [dir, cache, fractionsArg] = process.argv.slice(2);
if (!dir || !cache) {
  process.stderr.write('usage: refit.ts <run dir> <cache dir> [fractions]\n');
  process.exit(2);
}
const fractions = (fractionsArg ?? '0.25,0.5').split(',').map(Number);
const cells = new Map<string, { study: string; arm: string; seed: number; hash: string }>();
for (const r of readResults(join(dir, 'results.jsonl'))) {
  if (r.arm !== 'summary') cells.set(`${r.study}/${r.arm}/${r.seed}`, { study: r.study, arm: r.arm, seed: r.seed, hash: r.provenance.configHash });
}
const store = new ContentStore(cache);
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
process.stdout.write('study\tarm\tseed\tsplit\tfraction\twindow\ttsl_mape\tpower_mape\texp_mape\tlast_mape\tfit_r2_mean\ttrue_final\ttsl_final\tpower_final\tearly\n');
for (const cell of cells.values()) {
  const record = store.get<{ record: TrainingRecord | null }>('trained', cell.hash)?.record;
  if (!record) continue;
  for (const split of ['in-domain', 'out-of-domain'] as const) {
    const history = historyOf(record, split);
    if (history.steps.length < 3) continue;
    for (const fitFraction of fractions) {
      const f = forecast(history, { fitFraction });
      const k = f.steps.length - 1;
      const s = f.scores;
      const fitR2 = f.fitR2.reduce((a, b) => a + b, 0) / f.fitR2.length;
      process.stdout.write([cell.study, cell.arm, cell.seed, split, fitFraction, f.fitCount, fmt(s.tsl.mape), fmt(s.powerLaw.mape), fmt(s.exponential.mape), fmt(s.lastValue.mape), fmt(fitR2),
        f.observedMean[k].toFixed(4), f.tslMean[k].toFixed(4), s.powerLaw.predicted.at(-1)!.toFixed(4), f.observedMean[f.fitCount - 1].toFixed(4)].join('\t') + '\n');
    }
  }
}
