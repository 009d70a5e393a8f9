import type { Evaluator, LanguageModel, MetricRecord } from '@labbench/core';
import { heldOutForwardStats, heldOutWindows, modelSeqLen } from '@labbench/tensor';
import { DsmoeLM } from './model.js';

const MAX_WINDOWS = 32;
const CALIBRATION_WINDOWS = 16;
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

/**
 * Mean active experts per layer (the per-layer profile) and overall, on held-out in-domain text.
 * For a 'soft' model (trained without the threshold) it first sweeps tau in steps of 0.05 on the
 * first 16 windows and keeps, on the model, the tau whose activation is closest to the target
 * (spec §3.7 ablation): list this evaluator before `perplexity` and `efficiency` so they score the
 * thresholded model. Board `routing`.
 */
export const dsmoeActivationEvaluator: Evaluator = {
  id: 'dsmoe-activation',
  description: 'DSMoE: mean active experts per layer and overall on held-out text; calibrates the evaluation threshold of threshold-at-eval models.',
  boards: ['routing'],
  requires: 'causal',
  async evaluate(subject, context) {
    const model = subject.model;
    if (!(model instanceof DsmoeLM) || model.c.variant === 'prune') return [];
    const time = modelSeqLen(model);
    const docs = await context.data.inDomain();
    const { ids, count } = heldOutWindows(subject.tokenizer, docs.map((d) => d.text), time, Number(context.options.maxWindows ?? MAX_WINDOWS));
    if (count === 0) return [];
    const records: MetricRecord[] = [];
    const n = model.c.experts;
    if (model.c.variant === 'soft') {
      const target = model.c.sparsityTarget ?? 0.375;
      const calibration = Math.min(count, CALIBRATION_WINDOWS);
      let best = { tau: 0.5, gap: Number.POSITIVE_INFINITY, share: 1 };
      for (let i = 1; i <= 19; i++) {
        const tau = Math.round(i * 5) / 100;
        model.setEvalThreshold(tau);
        const share = mean(activeByLayer(heldOutForwardStats(model, ids, calibration, time, BATCH).stats).values()) / n;
        if (Math.abs(share - target) < best.gap) best = { tau, gap: Math.abs(share - target), share };
      }
      model.setEvalThreshold(best.tau);
      records.push({ board: 'routing', metric: 'dsmoe.eval_threshold', value: best.tau, direction: 'none', n: calibration * time, details: { target, calibrationShare: best.share, sweep: '0.05..0.95 step 0.05' } });
    }
    const { stats, tokens } = heldOutForwardStats(model, ids, count, time, BATCH);
    const byLayer = activeByLayer(stats);
    for (const [layer, active] of byLayer) {
      records.push({ board: 'routing', metric: `dsmoe.active_experts.layer${layer}`, value: active, direction: 'none', n: tokens, details: { experts: n, layer } });
    }
    const overall = mean(byLayer.values());
    records.push(
      { board: 'routing', metric: 'dsmoe.active_experts.mean', value: overall, direction: 'none', n: tokens, details: { experts: n, layers: byLayer.size } },
      { board: 'routing', metric: 'dsmoe.active_share.mean', value: overall / n, direction: 'none', n: tokens, details: { target: model.c.sparsityTarget } },
    );
    if ((model.c.variant === 'dsmoe' || model.c.variant === 'no-ste') && subject.training?.modelStats['dsmoe.lambda'] !== undefined) {
      records.push({ board: 'routing', metric: 'dsmoe.final_lambda', value: Number(subject.training.modelStats['dsmoe.lambda']), direction: 'none', n: 1 });
    }
    return records;
  },
};
