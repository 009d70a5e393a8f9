import type { Evaluator, MetricRecord } from '@labbench/core';
import { heldOutEvaluator, heldOutForwardStats } from '@labbench/tensor';
import { finedeepDefaults } from './config.js';
import { ABSOLUTE_TAUS, nsarName, type NsarThreshold } from './nsar.js';

const MAX_WINDOWS = 64;
const BATCH = 8;

/**
 * NSAR(tau) per layer over held-out in-domain text (spec §2.5): the model's `ffn.nsar.layer<i>`
 * forward stats ([numTaus] shares of activation outputs with |a| > tau x RMS, or > tau in absolute mode) averaged over up to 64
 * windows. Models without NSAR stats give no records. Board `routing` (a mechanism metric).
 */
export const nsarEvaluator: Evaluator = heldOutEvaluator({
  id: 'nsar',
  description: 'Finedeep NSAR(tau): share of activation-function outputs with |a| > tau, per layer, on held-out in-domain text.',
  boards: ['routing'],
  windows: { default: MAX_WINDOWS },
  measure(model, windows) {
    if (windows.count === 0) return [];
    const { stats, tokens } = heldOutForwardStats(model, windows, BATCH);
    const config = model.config as { nsarTaus?: number[]; nsarThreshold?: NsarThreshold };
    const taus = (config.nsarTaus ?? finedeepDefaults.nsarTaus) as readonly number[];
    const threshold = config.nsarThreshold ?? finedeepDefaults.nsarThreshold;
    const unit = threshold === 'rms' ? "tau x RMS of the layer's activations in the batch" : 'absolute tau';
    const records: MetricRecord[] = [];
    const perTau = taus.map(() => [] as number[]);
    for (const [name, values] of Object.entries(stats).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
      const match = /^ffn\.nsar\.layer(\d+)$/.exec(name);
      if (!match) continue;
      taus.forEach((tau, i) => {
        perTau[i].push(values[i]);
        records.push({
          board: 'routing',
          metric: `${nsarName(threshold, tau)}.layer${match[1]}`,
          value: values[i],
          direction: 'none',
          n: tokens,
          details: { tau, threshold: unit, layer: Number(match[1]), tensor: 'activation-function output (SiLU(x W_g) or relu)' },
        });
      });
    }
    taus.forEach((tau, i) => {
      // the paper's claim: more activations above tau (less sparse activation) is better
      if (perTau[i].length > 0)
        records.push({
          board: 'routing',
          metric: `${nsarName(threshold, tau)}.mean`,
          value: perTau[i].reduce((a, b) => a + b, 0) / perTau[i].length,
          direction: 'higher',
          n: tokens,
          details: { tau, threshold: unit, layers: perTau[i].length },
        });
    });
    records.push(...absoluteMeans(stats, tokens));
    return records;
  },
});

/** v1's absolute NSAR means (`nsar.tau<tau>.mean`), beside the scale-free ones: a comparison, not ranked. */
function absoluteMeans(stats: Record<string, number[]>, tokens: number): MetricRecord[] {
  const layers = Object.entries(stats)
    .filter(([name]) => /^ffn\.nsarAbsolute\.layer\d+$/.test(name))
    .map(([, values]) => values);
  if (layers.length === 0) return [];
  return ABSOLUTE_TAUS.map((tau, i) => ({
    board: 'routing',
    metric: `${nsarName('absolute', tau)}.mean`,
    value: layers.reduce((a, v) => a + v[i], 0) / layers.length,
    direction: 'none' as const,
    n: tokens,
    details: { tau, threshold: 'absolute tau (v1; moves with the activation scale, so with K under sum-normalised gates)', layers: layers.length },
  }));
}
