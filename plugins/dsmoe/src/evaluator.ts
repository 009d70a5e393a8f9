import type { Evaluator, MetricRecord } from '@labbench/core';
import { heldOutEvaluator, heldOutForwardStats, sliceWindows, type TokenWindows } from '@labbench/tensor';
import { DsmoeLM } from './model.js';

const MAX_WINDOWS = 64;
const BATCH = 8;
const ACTIVE = /^dsmoe\.activeExperts\.layer(\d+)$/;

function activeByLayer(stats: Record<string, number[]>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [name, value] of Object.entries(stats)) {
    const m = ACTIVE.exec(name);
    if (m) out.set(Number(m[1]), value[0]);
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}

const mean = (xs: Iterable<number>) => {
  const a = [...xs];
  return a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
};

/** Mean active experts per token, averaged over layers, of `model` on the windows at its current threshold. */
function meanActive(model: DsmoeLM, windows: TokenWindows): number {
  return mean(activeByLayer(heldOutForwardStats(model, windows, BATCH).stats).values());
}

/**
 * Bisects one global evaluation threshold in (0, 1) so that the mean number of active experts per
 * token (over layers) on the windows is `target` x n. Activation does not increase with the
 * threshold, so bisection converges; it stops within `tolerance` experts or after 30 halvings and
 * keeps the closest threshold seen. One threshold for all layers keeps the per-layer profile an
 * outcome (a per-layer threshold would flatten the paper's W-shaped profile).
 */
export function calibrateThreshold(model: DsmoeLM, windows: TokenWindows, target: number, tolerance = 0.02): { tau: number; active: number; steps: number } {
  const goal = target * model.c.experts;
  let [lo, hi] = [0, 1];
  let best = { tau: 0.5, active: Number.NaN, gap: Number.POSITIVE_INFINITY };
  let steps = 0;
  while (steps < 30) {
    const tau = (lo + hi) / 2;
    model.setEvalThreshold(tau);
    const active = meanActive(model, windows);
    steps++;
    if (Math.abs(active - goal) < best.gap) best = { tau, active, gap: Math.abs(active - goal) };
    if (best.gap <= tolerance) break;
    if (active > goal) lo = tau;
    else hi = tau;
  }
  model.setEvalThreshold(best.tau);
  return { tau: best.tau, active: best.active, steps };
}

/**
 * Mean active experts per layer (the per-layer profile) and overall, on held-out in-domain text.
 * Before measuring, it calibrates the evaluation threshold of the gated variants (`soft` always;
 * `dsmoe` and `no-ste` unless `activationMatch: 'lambda'`) on the first half of the windows so the
 * mean is the target (3 of 8), and measures on the second half: list this evaluator before
 * `perplexity` and `efficiency` so they score the calibrated model. Matching activation is not
 * selecting on loss, so held-out text is fair here.
 * Board `routing`.
 */
export const dsmoeActivationEvaluator: Evaluator = heldOutEvaluator({
  id: 'dsmoe-activation',
  description:
    'DSMoE: calibrates the evaluation threshold of the gated variants to the target activation (3 of 8), then reports mean active experts per layer and overall on held-out text.',
  boards: ['routing'],
  windows: { default: MAX_WINDOWS },
  measure(model, windows, subject) {
    const { count, time } = windows;
    if (!(model instanceof DsmoeLM) || model.c.variant === 'prune' || count === 0) return [];
    // calibrate on the first half of the windows and report activation on the second half, so the
    // 3-of-8 gate checks that the threshold transfers to text it was not fitted on (both halves
    // when there are too few windows to split)
    const split = count >= 8 ? Math.floor(count / 2) : count;
    const calibration = sliceWindows(windows, 0, split);
    const measured = split < count ? sliceWindows(windows, split) : calibration;
    const records: MetricRecord[] = [];
    const n = model.c.experts;
    const target = model.c.sparsityTarget ?? 0.375;
    if (model.c.variant === 'soft' || (model.c.variant !== 'topk' && model.c.activationMatch === 'threshold')) {
      const before = model.c.variant === 'soft' ? Number.NaN : meanActive(model, calibration);
      const { tau, active, steps } = calibrateThreshold(model, calibration, target);
      records.push({
        board: 'routing',
        metric: 'dsmoe.eval_threshold',
        value: tau,
        direction: 'none',
        n: calibration.count * time,
        details: {
          target,
          targetExperts: target * n,
          calibratedActive: active,
          activeAtTrainingThreshold: Number.isNaN(before) ? null : before,
          bisectionSteps: steps,
          calibrationWindows: calibration.count,
          measuredWindows: measured.count,
        },
      });
    }
    const { stats, tokens } = heldOutForwardStats(model, measured, BATCH);
    const byLayer = activeByLayer(stats);
    for (const [layer, active] of byLayer) {
      records.push({
        board: 'routing',
        metric: `dsmoe.active_experts.layer${layer}`,
        value: active,
        direction: 'none',
        n: tokens,
        details: { experts: n, layer },
      });
    }
    const overall = mean(byLayer.values());
    records.push(
      {
        board: 'routing',
        metric: 'dsmoe.active_experts.mean',
        value: overall,
        direction: 'none',
        n: tokens,
        details: {
          experts: n,
          layers: byLayer.size,
          target: target * n,
          windows: split < count ? 'second half (the first half calibrates the gated variants)' : 'all (too few to split)',
        },
      },
      { board: 'routing', metric: 'dsmoe.active_share.mean', value: overall / n, direction: 'none', n: tokens, details: { target } },
    );
    if ((model.c.variant === 'dsmoe' || model.c.variant === 'no-ste') && subject.training?.modelStats['dsmoe.lambda'] !== undefined) {
      records.push({ board: 'routing', metric: 'dsmoe.final_lambda', value: Number(subject.training.modelStats['dsmoe.lambda']), direction: 'none', n: 1 });
    }
    return records;
  },
});
