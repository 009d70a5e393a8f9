import { levenbergMarquardt } from './lm.js';
import { digamma } from './digamma.js';
import { rSquared } from './metrics.js';

/**
 * The per-position law (spec 3.2, reconstructed [verify]): L_i = a0 / (1 + a1 * i) + a2, with
 * a0, a1, a2 > 0 and positions i = 1..n (position 1 predicts the first token after the window's
 * first token). Kept behind `PositionLaw` so another form can be plugged in.
 */
export interface PositionLaw {
  readonly id: string;
  readonly parameterNames: readonly string[];
  /** Loss at position i (1-based) for parameters p. */
  value(p: readonly number[], i: number): number;
  /** Mean of value(p, i) over i = 1..n. */
  mean(p: readonly number[], n: number): number;
  /** Least-squares fit of the law to (i, L_i) points. */
  fit(positions: readonly number[], losses: readonly number[]): PositionFit;
}

export interface PositionFit {
  readonly params: number[];
  readonly r2: number;
  /**
   * Some parameter ended at a bound of the search box: the optimum lies outside it, so the law is
   * not identified at this checkpoint (e.g. a1 = e^10 with a0 ~ 0 on a flat curve: the law has
   * become a constant).
   */
  readonly atBound: boolean;
}

/** sum_{i=1..n} 1 / (1 + a1 i) by the digamma closed form: (psi(n + 1 + 1/a1) - psi(1 + 1/a1)) / a1. */
export function harmonicSum(a1: number, n: number): number {
  return (digamma(n + 1 + 1 / a1) - digamma(1 + 1 / a1)) / a1;
}

/** The same sum, term by term (the reference the closed form is tested against). */
export function harmonicSumBrute(a1: number, n: number): number {
  let s = 0;
  for (let i = 1; i <= n; i++) s += 1 / (1 + a1 * i);
  return s;
}

const A1_GRID = [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10]; // a1 start values, a few decades (spec 3.2 step 2)
// Search box in log-parameter space (ln a0, ln a1, ln a2).
const LOG_MIN = [-30, -20, -30];
const LOG_MAX = [10, 10, 10];

/** Whether a parameter lies on (within 1e-6 in log space of) a bound of the search box. */
export function paramsAtBound(params: readonly number[]): boolean {
  return params.some((p, k) => Math.abs(Math.log(p) - LOG_MIN[k]) < 1e-6 || Math.abs(Math.log(p) - LOG_MAX[k]) < 1e-6);
}

function hyperbola(p: readonly number[], i: number): number {
  return p[0] / (1 + p[1] * i) + p[2];
}

/**
 * Fits (a0, a1, a2) by Levenberg-Marquardt in log-parameter space (positivity), from every a1 of
 * the grid, keeping the lowest squared error. Initialisation as in spec 3.2: a2 = mean of the last
 * 10% of positions (slightly lowered so a0 > 0), a0 = (L_1 - a2)(1 + a1).
 */
function fitHyperbola(positions: readonly number[], losses: readonly number[]): PositionFit {
  const n = positions.length;
  const order = positions.map((_, k) => k).sort((a, b) => positions[a] - positions[b]);
  const x = order.map((k) => positions[k]);
  const y = order.map((k) => losses[k]);
  const tail = y.slice(Math.max(0, n - Math.max(1, Math.round(n / 10))));
  const minY = Math.min(...y);
  const a2Start = Math.max(1e-6, Math.min(tail.reduce((a, b) => a + b, 0) / tail.length, minY) * 0.98);
  const model = (q: number[]) => (i: number) => Math.exp(q[0]) / (1 + Math.exp(q[1]) * i) + Math.exp(q[2]);
  const jacobian = (q: number[]) => (i: number) => {
    const a0 = Math.exp(q[0]);
    const a1 = Math.exp(q[1]);
    const d = 1 + a1 * i;
    return [a0 / d, (-a0 * a1 * i) / (d * d), Math.exp(q[2])];
  };
  let best: { params: number[]; sse: number } = { params: [1e-6, 1e-3, a2Start], sse: Number.POSITIVE_INFINITY };
  for (const a1 of A1_GRID) {
    const a0 = Math.max(1e-6, (y[0] - a2Start) * (1 + a1 * x[0]));
    const { parameterValues } = levenbergMarquardt({ x, y }, model, {
      initialValues: [Math.log(a0), Math.log(a1), Math.log(a2Start)],
      jacobianFunction: jacobian, maxIterations: 200, errorTolerance: 1e-14, improvementThreshold: 1e-6, damping: 1e-2,
      minValues: LOG_MIN, maxValues: LOG_MAX,
    });
    const params = parameterValues.map(Math.exp);
    const sse = x.reduce((s, i, k) => s + (hyperbola(params, i) - y[k]) ** 2, 0);
    if (sse < best.sse) best = { params, sse };
  }
  return { params: best.params, r2: rSquared(y, x.map((i) => hyperbola(best.params, i))), atBound: paramsAtBound(best.params) };
}

export const hyperbolicLaw: PositionLaw = {
  id: 'hyperbolic',
  parameterNames: ['a0', 'a1', 'a2'],
  value: hyperbola,
  mean: (p, n) => p[2] + (p[0] / n) * harmonicSum(p[1], n),
  fit: fitHyperbola,
};
