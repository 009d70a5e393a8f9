import { ConfigError, type Evaluator, type MetricRecord, type PositionCurve, type TrainingRecord } from '@labbench/core';
import { forecast, type Forecast } from './forecast.js';

const SPLITS = [['in-domain', 'id'], ['out-of-domain', 'ood']] as const;
const round = (x: number) => Number(x.toPrecision(6));
// With fewer window checkpoints the trajectory families cannot be told apart by held-out extrapolation.
const MIN_SELECTABLE_WINDOW = 4;

/**
 * The split's per-position curves in step order, from the first checkpoint after `afterStep`
 * (the end of warmup): while the learning rate still ramps up the parameters move on another
 * curve than the one the law extrapolates (spec 3.5, "start the window after warmup").
 */
export function historyOf(training: TrainingRecord, split: PositionCurve['split'], afterStep = 0): { steps: number[]; losses: number[][] } {
  const curves = training.positionLosses.filter((c) => c.split === split && c.step > afterStep).sort((a, b) => a.step - b.step);
  return { steps: curves.map((c) => c.step), losses: curves.map((c) => c.losses.map((v) => v ?? Number.NaN)) }; // a NaN loss reads back from JSON as null
}

/** Curves and fits as data for plots (the site renders them). */
function plotDetails(f: Forecast, fitFraction: number, window: WindowInfo): Record<string, unknown> {
  return {
    fitFraction, fitCheckpoints: f.fitCount, checkpoints: f.steps.length, steps: f.steps, ...window,
    observedMean: f.observedMean.map(round), tslMean: f.tslMean.map(round),
    baselines: {
      powerLaw: f.scores.powerLaw.predicted.map(round), exponential: f.scores.exponential.predicted.map(round), lastValue: f.scores.lastValue.predicted.map(round),
    },
    lawParams: f.params.map((p) => p.map(round)), fitR2: f.fitR2.map(round),
    trajectories: f.trajectories.map((t) => ({ family: t.family, params: t.params.map(round), heldOutError: t.heldOutError })),
    finalPositions: { predicted: f.finalPositions.predicted.map(round), observed: f.finalPositions.observed.map(round) },
    ...(f.fitCount < MIN_SELECTABLE_WINDOW ? { warning: `only ${f.fitCount} checkpoints in the fit window (profile has ${f.steps.length}); families cannot be selected by held-out extrapolation and the 3-parameter baselines are under-determined. Numbers are not meaningful; use >= 12 checkpoints.` } : {}),
  };
}

/** How the series was cut: warmup steps and the checkpoints left out because they fell inside warmup. */
interface WindowInfo {
  readonly warmupSteps: number;
  readonly warmupCheckpointsExcluded: number;
  readonly schedule: string;
}

function splitRecords(f: Forecast, prefix: string, fitFraction: number, window: WindowInfo): MetricRecord[] {
  const future = f.steps.length - f.fitCount;
  const records: MetricRecord[] = [];
  const add = (metric: string, value: number, direction: MetricRecord['direction'], n: number, details?: Record<string, unknown>) =>
    records.push({ board: 'scaling', metric: `${prefix}.${metric}`, value, direction, n, ...(details ? { details } : {}) });
  add('tsl.future_mape', f.scores.tsl.mape, 'lower', future, plotDetails(f, fitFraction, window));
  for (const [name, s] of [['tsl', f.scores.tsl], ['power_law', f.scores.powerLaw], ['exponential', f.scores.exponential], ['last_value', f.scores.lastValue]] as const) {
    if (name !== 'tsl') add(`${name}.future_mape`, s.mape, 'lower', future);
    add(`${name}.future_max_ape`, s.maxApe, 'lower', future);
    add(`${name}.future_r2`, s.r2, 'higher', future);
  }
  const finite = f.fitR2.filter(Number.isFinite);
  add('fit_r2.mean', finite.reduce((a, b) => a + b, 0) / finite.length, 'higher', finite.length, { perCheckpoint: f.fitR2.map(round) });
  add('fit_r2.min', Math.min(...finite), 'higher', finite.length);
  add('uniform_learning_cv', f.uniformLearningCv, 'none', f.finalPositions.observed.length);
  // Gate inputs: the law must be identified in the window it is fitted on. A flat per-position
  // curve gives R^2 ~ 0 and a parameter at a bound; the law is then a constant a2(t) whose power-law
  // trajectory is the power-law baseline itself (the v1 report's MAPE 3.783 vs 3.783).
  const windowR2 = f.fitR2.slice(0, f.fitCount).map((r) => (Number.isFinite(r) ? r : 0));
  add('fit_r2.window_min', Math.min(...windowR2), 'higher', f.fitCount, { perCheckpoint: windowR2.map(round), steps: f.steps.slice(0, f.fitCount) });
  add('fit.window_params_at_bound', f.atBound.slice(0, f.fitCount).filter(Boolean).length, 'lower', f.fitCount,
    { note: 'fit-window checkpoints at which a law parameter ended at a bound of the search box (not identified)' });
  // How different the two predictors of the claim are, relative to the observed loss.
  const powerLaw = f.scores.powerLaw.predicted;
  const tslFuture = f.tslMean.slice(f.fitCount);
  add('tsl_vs_power_law.max_rel_diff', Math.max(...tslFuture.map((v, k) => Math.abs(v - powerLaw[k]) / f.observedMean[f.fitCount + k])), 'none', future);
  // Final-loss predictions from the early window (the mixture ranking compares these across arms).
  const last = f.steps.length - 1;
  add('final_loss.true', f.observedMean[last], 'lower', 1);
  add('final_loss.tsl', f.tslMean[last], 'lower', 1);
  add('final_loss.power_law', f.scores.powerLaw.predicted[future - 1], 'lower', 1);
  add('final_loss.early', f.observedMean[f.fitCount - 1], 'lower', 1);
  return records;
}

/**
 * Temporal scaling law evaluator: reads the per-position validation curves the trainer recorded at
 * checkpoints (`subject.training.positionLosses`), fits the early window, and scores the forecast of
 * the later checkpoints against the baselines, in-domain and out-of-domain.
 * Options: `fitFraction` (default 0.25: the spec's "first 25-30%" of the checkpoints after warmup);
 * `includeWarmup` (default false; true restores the old series, which started inside warmup).
 */
export const temporalScalingLaw: Evaluator = {
  id: 'temporal-scaling-law',
  description: 'Fits the per-position hyperbolic law per checkpoint and its parameter trajectories on the early window; forecast MAPE/R^2 of later validation loss vs power-law, exponential and last-value baselines.',
  boards: ['scaling'],
  requires: 'causal',
  async evaluate(subject, context) {
    if (!subject.training) return [];
    const fitFraction = (context.options.fitFraction as number | undefined) ?? 0.25;
    if (!(fitFraction > 0 && fitFraction < 1)) throw new ConfigError('temporal-scaling-law › options.fitFraction', `fitFraction must be in (0, 1), got ${fitFraction}.`, 'Use e.g. 0.25 (the first quarter of the checkpoints).');
    const includeWarmup = context.options.includeWarmup === true;
    const warmupSteps = includeWarmup ? 0 : subject.training.warmupSteps ?? 0;
    if (!includeWarmup && subject.training.warmupSteps === undefined) context.log('the training record has no warmupSteps (an older cell); no checkpoint is excluded as warmup.');
    const records: MetricRecord[] = [];
    for (const [split, prefix] of SPLITS) {
      const all = historyOf(subject.training, split);
      const history = historyOf(subject.training, split, warmupSteps);
      const window: WindowInfo = { warmupSteps, warmupCheckpointsExcluded: all.steps.length - history.steps.length, schedule: subject.training.schedule ?? 'unknown' };
      if (history.steps.length < 3) {
        context.log(`${split}: ${history.steps.length} checkpoints after warmup (step ${warmupSteps}); the law needs at least 3 (2 to fit, 1 to predict). Skipped.`);
        continue;
      }
      const f = forecast(history, { fitFraction });
      if (f.fitCount < MIN_SELECTABLE_WINDOW) context.log(`${split}: only ${f.fitCount} of ${history.steps.length} checkpoints in the fit window; too few for a meaningful fit.`);
      records.push(...splitRecords(f, prefix, fitFraction, window));
    }
    return records;
  },
};
