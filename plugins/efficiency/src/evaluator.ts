import type { Evaluator, LanguageModel, MetricRecord } from '@labbench/core';
import { heldOutEvaluator, heldOutForwardStats, tf } from '@labbench/tensor';
import { decoderAttentionCost, isCostAware, type CostReport } from './cost.js';

const STATS_WINDOWS = 32;
const BATCH = 8;
const LATENCY_REPEATS = 7;

/**
 * Median wall time (ms) of one no-grad forward pass over `ids` [B, T], after one warm-up pass;
 * the logits are read back so asynchronous backends finish the work inside the timing.
 */
export function forwardLatencyMs(model: LanguageModel, ids: Int32Array, rows: number, time: number, repeats = LATENCY_REPEATS): number {
  const run = () =>
    tf.tidy(() => {
      const x = tf.tensor2d(ids.subarray(0, rows * time), [rows, time], 'int32');
      model.forward(x, { training: false }).logits.dataSync();
    });
  run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * The efficiency board, one shared evaluator for every study: parameters (total, active), FLOPs
 * per token (training and inference, analytic from the model), softmax rows and K/V cache floats
 * per token, and the measured forward latency per token. A model with a `cost(stats)` method
 * refines these from its forward stats averaged over held-out windows (e.g. DSMoE's measured
 * activation); a model on the reference decoder gets its attention cost from its layers.
 */
export const efficiencyEvaluator: Evaluator = heldOutEvaluator({
  id: 'efficiency',
  description: 'Parameters total/active, FLOPs per token (train, inference), softmax rows and K/V cache per token, measured forward latency.',
  boards: ['efficiency'],
  windows: { option: 'windows', default: STATS_WINDOWS },
  measure(model, windows) {
    const { ids, count, time } = windows;
    const params = model.params();
    const flops = model.flopsPerToken();
    let cost: CostReport = decoderAttentionCost(model, time) ?? {};
    if (isCostAware(model) && count > 0) {
      const { stats } = heldOutForwardStats(model, windows, BATCH);
      cost = { ...cost, ...model.cost(stats) };
    }
    const n = Math.max(1, count * time);
    const record = (metric: string, value: number | undefined, details?: Record<string, unknown>): MetricRecord[] =>
      value === undefined || !Number.isFinite(value) ? [] : [{ board: 'efficiency', metric, value, direction: 'lower', n, ...(details ? { details } : {}) }];
    const records: MetricRecord[] = [
      ...record('params.total', params.total),
      ...record('params.active', cost.activeParams ?? params.active, { source: cost.activeParams !== undefined ? 'measured activation' : 'analytic' }),
      ...record('flops_per_token.train', flops.train),
      ...record('flops_per_token.inference', cost.inferenceFlopsPerToken ?? flops.inference, {
        source: cost.inferenceFlopsPerToken !== undefined ? 'measured activation' : 'analytic',
        seqLen: time,
      }),
      ...record('attention.softmax_rows_per_token', cost.softmaxRowsPerToken),
      ...record('kv_cache.k_floats_per_token', cost.kCacheFloatsPerToken),
      ...record('kv_cache.v_floats_per_token', cost.vCacheFloatsPerToken),
    ];
    if (count > 0) {
      const rows = Math.min(BATCH, count);
      const ms = forwardLatencyMs(model, ids, rows, time);
      records.push({
        board: 'efficiency',
        metric: 'latency.forward_ms_per_token',
        value: ms / (rows * time),
        direction: 'lower',
        n: rows * time,
        details: { batch: rows, seqLen: time, repeats: LATENCY_REPEATS, statistic: 'median', backend: tf.getBackend() },
      });
    }
    return records;
  },
});
