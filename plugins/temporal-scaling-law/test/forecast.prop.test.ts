import { test } from 'node:test';
import fc from 'fast-check';
import { forecast } from '../src/forecast.js';
import { hyperbolicLaw } from '../src/hyperbolic.js';
import { TEMPORAL_FAMILIES, selectTrajectory } from '../src/trajectory.js';

const steps = Array.from({ length: 12 }, (_, k) => 50 * (k + 1));

test('selectTrajectory: for any power-law trajectory, the fit extrapolates to 4x the window within 1%', () => {
  const law = fc.record({ c: fc.double({ min: 1, max: 5, noNaN: true }), b: fc.double({ min: 0.5, max: 20, noNaN: true }), beta: fc.double({ min: 0.2, max: 1.5, noNaN: true }) });
  fc.assert(fc.property(law, ({ c, b, beta }) => {
    const y = (t: number) => c + b * t ** -beta;
    const window = steps.slice(0, 6);
    const sel = selectTrajectory(window, window.map(y));
    const family = TEMPORAL_FAMILIES.find((f) => f.id === sel.family)!;
    return [900, 1200, 2400].every((t) => Math.abs(family.value(sel.params, t) - y(t)) <= 0.01 * y(t));
  }), { numRuns: 25 });
});

test('forecast: for any parameter trajectories of the chosen families, noise-free curves are forecast with MAPE < 0.5%', () => {
  const traj = fc.record({
    a0: fc.double({ min: 1, max: 3, noNaN: true }), a0b: fc.double({ min: 1, max: 10, noNaN: true }),
    a1: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    a2: fc.double({ min: 2, max: 4, noNaN: true }), a2b: fc.double({ min: 2, max: 30, noNaN: true }), beta: fc.double({ min: 0.3, max: 1, noNaN: true }),
  });
  fc.assert(fc.property(traj, (p) => {
    const params = (t: number) => [p.a0 + p.a0b * t ** -p.beta, p.a1, p.a2 + p.a2b * t ** -p.beta];
    const losses = steps.map((t) => Array.from({ length: 64 }, (_, j) => hyperbolicLaw.value(params(t), j + 1)));
    const f = forecast({ steps, losses }, { fitFraction: 0.5 });
    return f.fitCount === 6 && f.scores.tsl.mape < 0.5 && f.fitR2.every((r) => r > 1 - 1e-6) && f.scores.tsl.mape >= 0;
  }), { numRuns: 10 });
});

test('forecast: for any curves, the predicted mean equals the mean of the predicted per-position values', () => {
  fc.assert(fc.property(fc.double({ min: 0.5, max: 3, noNaN: true }), (scale) => {
    const losses = steps.map((t) => Array.from({ length: 32 }, (_, j) => 3 + scale * 20 * t ** -0.5 / (1 + 0.2 * (j + 1))));
    const f = forecast({ steps, losses }, { fitFraction: 0.5 });
    const meanOfPositions = f.finalPositions.predicted.reduce((a, b) => a + b, 0) / 32;
    return Math.abs(meanOfPositions - f.tslMean[steps.length - 1]) < 1e-9 * meanOfPositions;
  }), { numRuns: 10 });
});
