import { levenbergMarquardt } from './lm.js';

/**
 * Temporal families for a quantity y(t) over training steps t (spec 3.2, "keep selectable"):
 *   power        y = c + b * t^(-beta),   beta > 0
 *   log-linear   y = c + b * ln t
 *   exponential  y = c + b * exp(-k t),   k > 0
 * Used for each parameter trajectory a_k(t) of the per-position law, and (power, exponential) for
 * the aggregate baselines.
 */
export interface TemporalFamily {
  readonly id: 'power' | 'log-linear' | 'exponential';
  readonly parameters: number;
  value(p: readonly number[], t: number): number;
  fit(t: readonly number[], y: readonly number[]): number[];
}

const LM = { maxIterations: 300, errorTolerance: 1e-14, improvementThreshold: 1e-6, damping: 1e-2 } as const;

function sse(family: TemporalFamily, p: readonly number[], t: readonly number[], y: readonly number[]): number {
  return t.reduce((s, ti, k) => s + (family.value(p, ti) - y[k]) ** 2, 0);
}

/** Ordinary least squares y = c + b x (b = 0 for a single distinct x). */
function linearFit(x: readonly number[], y: readonly number[]): [number, number] {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return [my - b * mx, b];
}

/**
 * Fits y = c + b * g(t, r) with a positive rate r: for each rate of a grid, c and b by least squares
 * (they are linear), then Levenberg-Marquardt on (c, b, ln r) from the best grid point.
 */
function rateFamilyFit(family: TemporalFamily, g: (t: number, r: number) => number, grid: readonly number[], t: readonly number[], y: readonly number[]): number[] {
  let best: number[] = [y[y.length - 1], 0, grid[0]];
  let bestErr = Number.POSITIVE_INFINITY;
  for (const r of grid) {
    const [c, b] = linearFit(t.map((ti) => g(ti, r)), y);
    const err = sse(family, [c, b, r], t, y);
    if (err < bestErr) [best, bestErr] = [[c, b, r], err];
  }
  if (t.length < 3) return best;
  const scale = Math.max(...y.map(Math.abs), 1e-12);
  const { parameterValues } = levenbergMarquardt(
    { x: t, y: y.map((v) => v / scale) },
    (q) => (ti) => (q[0] + q[1] * g(ti, Math.exp(q[2]))),
    { ...LM, initialValues: [best[0] / scale, best[1] / scale, Math.log(best[2])], minValues: [-1e6, -1e6, -30], maxValues: [1e6, 1e6, 10] },
  );
  const refined = [parameterValues[0] * scale, parameterValues[1] * scale, Math.exp(parameterValues[2])];
  return sse(family, refined, t, y) < bestErr ? refined : best;
}

export const powerFamily: TemporalFamily = {
  id: 'power',
  parameters: 3,
  value: (p, t) => p[0] + p[1] * t ** -p[2],
  fit(t, y) {
    return rateFamilyFit(this, (ti, beta) => ti ** -beta, [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3], t, y);
  },
};

export const logLinearFamily: TemporalFamily = {
  id: 'log-linear',
  parameters: 2,
  value: (p, t) => p[0] + p[1] * Math.log(t),
  fit: (t, y) => linearFit(t.map(Math.log), y),
};

export const exponentialFamily: TemporalFamily = {
  id: 'exponential',
  parameters: 3,
  value: (p, t) => p[0] + p[1] * Math.exp(-p[2] * t),
  fit(t, y) {
    const span = Math.max(...t);
    return rateFamilyFit(this, (ti, k) => Math.exp(-k * ti), [0.1, 0.3, 1, 2, 4, 8].map((m) => m / span), t, y);
  },
};

export const TEMPORAL_FAMILIES: readonly TemporalFamily[] = [powerFamily, logLinearFamily, exponentialFamily];

export interface SelectedTrajectory {
  readonly family: TemporalFamily['id'];
  readonly params: number[];
  /** Absolute error of each family predicting the last window point from the others (selection score). */
  readonly heldOutError: Readonly<Record<string, number>>;
}

/**
 * Chooses a family by held-out extrapolation (spec 3.2): each family is fitted on all window points
 * but the last and scored on predicting the last; the best is refitted on the whole window. With
 * fewer than 3 points there is nothing to hold out and log-linear (2 parameters) is used.
 */
export function selectTrajectory(t: readonly number[], y: readonly number[], families: readonly TemporalFamily[] = TEMPORAL_FAMILIES): SelectedTrajectory {
  if (t.length < 3) {
    return { family: 'log-linear', params: t.length === 1 ? [y[0], 0] : logLinearFamily.fit(t, y), heldOutError: {} };
  }
  const heldOutError: Record<string, number> = {};
  let best = families[0];
  let bestErr = Number.POSITIVE_INFINITY;
  const last = t.length - 1;
  for (const family of families) {
    const p = family.fit(t.slice(0, last), y.slice(0, last));
    const err = Math.abs(family.value(p, t[last]) - y[last]);
    heldOutError[family.id] = err;
    if (err < bestErr || (!Number.isFinite(bestErr) && Number.isFinite(err))) [best, bestErr] = [family, err];
  }
  return { family: best.id, params: best.fit(t, y), heldOutError };
}
