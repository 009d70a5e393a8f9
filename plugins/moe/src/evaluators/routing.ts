import { frequencyBuckets, type Evaluator, type MetricRecord, type TrainingRecord } from '@labbench/core';
import { tf } from '@labbench/tensor';

type Stats = TrainingRecord['modelStats'];

// Per-router scalar stats (from @labbench/tensor's routerStats and RoutedExperts) and how to read them.
const SCALARS: Record<string, { direction: MetricRecord['direction']; reduce: 'mean' | 'sum' }> = {
  loadImbalance: { direction: 'lower', reduce: 'mean' },
  routerEntropy: { direction: 'none', reduce: 'mean' },
  unusedExperts: { direction: 'lower', reduce: 'sum' },
  auxLoss: { direction: 'lower', reduce: 'sum' },
  auxLossScaled: { direction: 'lower', reduce: 'sum' },
  activeExperts: { direction: 'none', reduce: 'mean' },
  gateSum: { direction: 'none', reduce: 'mean' },
  sharedWeight: { direction: 'none', reduce: 'mean' },
};
const ROUTER_STAT = /^(moe(?:\.[a-z])?)\.(\w+)\.layer(\d+)$/;
const BUCKETS = ['high', 'medium', 'low'] as const;

/** Per-router records (`moe.loadImbalance.layer0`, ...) and summaries over routers (`routing.*`). */
function routerRecords(stats: Stats): MetricRecord[] {
  const records: MetricRecord[] = [];
  const pooled = new Map<string, number[]>();
  for (const [name, value] of Object.entries(stats)) {
    const m = ROUTER_STAT.exec(name);
    if (!m || typeof value !== 'number' || !(m[2] in SCALARS)) continue;
    const [, router, metric, layer] = m;
    const tokensPerExpert = stats[`${router}.tokensPerExpert.layer${layer}`];
    const tokens = (stats[`${router}.top1.layer${layer}`] as readonly number[] | undefined)?.length ?? 0;
    records.push({
      board: 'routing',
      metric: name,
      value,
      direction: SCALARS[metric].direction,
      n: tokens,
      details: {
        router,
        layer: Number(layer),
        source: 'first validation batch at the last checkpoint',
        ...(metric === 'loadImbalance' && Array.isArray(tokensPerExpert) ? { tokensPerExpert } : {}),
      },
    });
    pooled.set(metric, [...(pooled.get(metric) ?? []), value]);
  }
  for (const [metric, values] of pooled) {
    const { direction, reduce } = SCALARS[metric];
    const sum = values.reduce((a, b) => a + b, 0);
    records.push({
      board: 'routing',
      metric: `routing.${metric}`,
      value: reduce === 'sum' ? sum : sum / values.length,
      direction,
      n: values.length,
      details: { reduce, routers: values.length },
    });
  }
  return records;
}

/** Top-1 expert per token of the final model on the probe's windows, per router stat name. */
function finalTop1(
  model: { forward: (ids: tf.Tensor2D, o: { training: boolean }) => { stats?: Readonly<Record<string, tf.Tensor>> } },
  ids: Int32Array,
  shape: readonly number[],
): Record<string, Float32Array> {
  return tf.tidy(() => {
    const out = model.forward(tf.tensor2d(ids, [shape[0], shape[1]], 'int32'), { training: false });
    const top1: Record<string, Float32Array> = {};
    for (const [name, value] of Object.entries(out.stats ?? {}))
      if (/\.top1\.layer\d+$/.test(name)) top1[name] = Float32Array.from(value.dataSync() as Float32Array);
    return top1;
  });
}

/**
 * Routing fluctuation (MaskMoE §7.5): for each token type, the share of its occurrences whose top-1
 * expert differs between the probe recorded at the checkpoint nearest 50% of training and the final
 * model, on the same validation windows, pooled over every router.
 */
function fluctuationRecords(stats: Stats, model: Parameters<typeof finalTop1>[0], counts: Float64Array | undefined): MetricRecord[] {
  const idsStat = stats['probe.tokenIds'];
  const shape = stats['probe.shape'];
  if (!Array.isArray(idsStat) || !Array.isArray(shape)) return [];
  const ids = Int32Array.from(idsStat as number[]);
  const final = finalTop1(model, ids, shape as number[]);
  const perType = new Map<number, { changed: number; total: number }>();
  let changed = 0;
  let total = 0;
  for (const [name, now] of Object.entries(final)) {
    const before = stats[`probe.${name}`];
    if (!Array.isArray(before) || before.length !== now.length) continue;
    for (let i = 0; i < now.length; i++) {
      if (before[i] < 0 || now[i] < 0) continue;
      const t = perType.get(ids[i]) ?? { changed: 0, total: 0 };
      const moved = before[i] !== now[i] ? 1 : 0;
      t.changed += moved;
      t.total += 1;
      changed += moved;
      total += 1;
      perType.set(ids[i], t);
    }
  }
  if (total === 0) return [];
  const details = {
    fromStep: stats['probe.step'],
    toStep: stats['probe.finalStep'],
    windows: shape,
    protocol: 'top-1 expert of each occurrence in the first validation batch: checkpoint nearest 50% of training vs final model',
  };
  const shares = [...perType.values()].map((t) => t.changed / t.total);
  const records: MetricRecord[] = [
    { board: 'routing', metric: 'fluctuation.occurrences', value: changed / total, direction: 'lower', n: total, details },
    {
      board: 'routing',
      metric: 'fluctuation.type_mean',
      value: shares.reduce((a, b) => a + b, 0) / shares.length,
      direction: 'lower',
      n: shares.length,
      details,
    },
  ];
  if (counts) {
    const mass = new Float64Array(counts.length);
    for (const id of ids) mass[id] += 1;
    const buckets = frequencyBuckets(counts, [0.8, 0.15, 0.05], mass);
    const sums = [0, 0, 0];
    const ns = [0, 0, 0];
    for (const [id, t] of perType) {
      sums[buckets[id]] += t.changed;
      ns[buckets[id]] += t.total;
    }
    BUCKETS.forEach((name, b) => {
      if (ns[b] > 0)
        records.push({
          board: 'routing',
          metric: `fluctuation.freq_${name}`,
          value: sums[b] / ns[b],
          direction: 'lower',
          n: ns[b],
          details: { ...details, bucketing: 'types ranked by training count; buckets cover 80/15/5% of probe tokens' },
        });
    });
  }
  return records;
}

/**
 * The routing board: per-router load, imbalance, entropy, unused experts and auxiliary loss
 * (scaled and unscaled) from the training record's model stats, and routing fluctuation between
 * the mid-training probe and the final model.
 */
export const routingEvaluator: Evaluator = {
  id: 'moe-routing',
  description:
    'Routing statistics of MoE models (tokens per expert, load imbalance, router entropy, unused experts, auxiliary loss) and routing fluctuation between the mid-training checkpoint and the final model.',
  boards: ['routing'],
  requires: 'causal',
  async evaluate(subject, context) {
    const stats = subject.training?.modelStats;
    if (!stats) return [];
    const records = routerRecords(stats);
    if (subject.model) {
      const fluctuation = fluctuationRecords(stats, subject.model, subject.tokenCounts);
      if (fluctuation.length === 0) context.log('no routing probe in the training record; fluctuation not reported');
      records.push(...fluctuation);
    }
    return records;
  },
};
