import { hyperbolicLaw, type PositionLaw } from './hyperbolic.js';
import { coefficientOfVariation, mape, maxApe, rSquared } from './metrics.js';
import { TEMPORAL_FAMILIES, exponentialFamily, powerFamily, selectTrajectory, type SelectedTrajectory, type TemporalFamily } from './trajectory.js';

/** Per-position validation losses at checkpoints of one run and one split. */
export interface PositionHistory {
  readonly steps: readonly number[];
  /** losses[k][j]: mean loss at checkpoint k, position j (0-based; law position i = j + 1). */
  readonly losses: readonly (readonly number[])[];
}

export interface ForecastOptions {
  /** Share of the checkpoints used to fit (the early window); at least 2 and at least one left to predict. */
  readonly fitFraction: number;
  readonly law?: PositionLaw;
  readonly families?: readonly TemporalFamily[];
}

export interface PredictorScore {
  readonly predicted: number[];
  readonly mape: number;
  readonly maxApe: number;
  readonly r2: number;
}

export interface Forecast {
  readonly fitCount: number;
  readonly steps: readonly number[];
  readonly observedMean: number[];
  /** Law parameters per checkpoint (all checkpoints, for plots) and fit R^2 per checkpoint. */
  readonly params: number[][];
  readonly fitR2: number[];
  /** Per checkpoint: a law parameter ended at a bound of the fit's search box. */
  readonly atBound: boolean[];
  readonly trajectories: SelectedTrajectory[];
  /** Predicted mean loss at every checkpoint (inside the window: the law at the trajectory values). */
  readonly tslMean: number[];
  /** Predicted and observed per-position loss at the last checkpoint. */
  readonly finalPositions: { readonly predicted: number[]; readonly observed: number[] };
  /** Scores on the future checkpoints only. */
  readonly scores: Readonly<Record<'tsl' | 'powerLaw' | 'exponential' | 'lastValue', PredictorScore>>;
  /** Coefficient of variation over positions of the relative drop (L_i(t_0) - L_i(t_K)) / L_i(t_0). */
  readonly uniformLearningCv: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Number of checkpoints in the fit window: round(fraction * K), clamped to [2, K - 1]. */
export function fitWindow(checkpoints: number, fraction: number): number {
  return Math.min(checkpoints - 1, Math.max(2, Math.round(fraction * checkpoints)));
}

function score(observed: readonly number[], predicted: number[]): PredictorScore {
  return { predicted, mape: mape(observed, predicted), maxApe: maxApe(observed, predicted), r2: rSquared(observed, predicted) };
}

/**
 * The temporal scaling law procedure (spec 3.2): fit the per-position law at each checkpoint, fit
 * each parameter's trajectory over the early window, predict per-position and mean loss at the later
 * checkpoints; the baselines (power law and exponential in steps, last value) are fitted on the
 * same window's mean loss. Requires at least 3 checkpoints.
 */
export function forecast(history: PositionHistory, options: ForecastOptions): Forecast {
  const law = options.law ?? hyperbolicLaw;
  const K = history.steps.length;
  if (K < 3) throw new Error(`forecast: need at least 3 checkpoints (2 to fit, 1 to predict), got ${K}`);
  const n = history.losses[0].length;
  const positions = Array.from({ length: n }, (_, j) => j + 1);
  const t = [...history.steps];
  const fitCount = fitWindow(K, options.fitFraction);
  const fits = history.losses.map((l) => law.fit(positions, l));
  const params = fits.map((f) => f.params);
  const observedMean = history.losses.map(mean);
  const tw = t.slice(0, fitCount);
  const trajectories = law.parameterNames.map((_, k) => selectTrajectory(tw, params.slice(0, fitCount).map((p) => p[k]), options.families ?? TEMPORAL_FAMILIES));
  const familyOf = (id: string) => TEMPORAL_FAMILIES.find((f) => f.id === id)!;
  const paramsAt = (step: number) => trajectories.map((tr) => Math.max(1e-9, familyOf(tr.family).value(tr.params, step)));
  const tslMean = t.map((step) => law.mean(paramsAt(step), n));
  const future = t.slice(fitCount);
  const observedFuture = observedMean.slice(fitCount);
  const early = observedMean.slice(0, fitCount);
  const power = powerFamily.fit(tw, early);
  const expo = exponentialFamily.fit(tw, early);
  const scores = {
    tsl: score(observedFuture, tslMean.slice(fitCount)),
    powerLaw: score(observedFuture, future.map((s) => powerFamily.value(power, s))),
    exponential: score(observedFuture, future.map((s) => exponentialFamily.value(expo, s))),
    lastValue: score(observedFuture, future.map(() => early[early.length - 1])),
  };
  const first = history.losses[0];
  const last = history.losses[K - 1];
  const drops = first.map((l0, j) => (l0 - last[j]) / l0);
  return {
    fitCount, steps: t, observedMean, params, fitR2: fits.map((f) => f.r2), atBound: fits.map((f) => f.atBound), trajectories, tslMean,
    finalPositions: { predicted: positions.map((i) => law.value(paramsAt(t[K - 1]), i)), observed: [...last] },
    scores, uniformLearningCv: coefficientOfVariation(drops),
  };
}
