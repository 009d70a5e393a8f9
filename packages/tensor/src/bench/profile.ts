import * as tf from '#tfjs';
import { type ArmResolver, buildBenchModel, randomBatch, trainStep } from './models.js';

export interface KernelTime { kernel: string; ms: number; calls: number; share: number }

/**
 * Time per kernel of one training step (forward, backward, update) under tf.profile on the
 * active backend and kernels. Profiler overhead included (each kernel is timed synchronously).
 */
export async function profileStep(modelId: string, top = 15, seed = 1, resolve?: ArmResolver): Promise<{ totalMs: number; kernels: KernelTime[] }> {
  const model = buildBenchModel(modelId, seed, {}, resolve);
  const optimizer = model.optimizer();
  const { ids, targets } = randomBatch(model, seed);
  try {
    trainStep(model, optimizer, ids, targets); // warm-up
    const info = await tf.profile(() => {
      trainStep(model, optimizer, ids, targets);
    });
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : Number((k.kernelTimeMs as { error?: string }).error ? 0 : 0);
      const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls++;
      byKernel.set(k.name, entry);
    }
    const totalMs = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
    const kernels = [...byKernel.entries()].map(([kernel, e]) => ({ kernel, ms: e.ms, calls: e.calls, share: e.ms / totalMs })).sort((a, b) => b.ms - a.ms).slice(0, top);
    return { totalMs, kernels };
  } finally {
    optimizer.dispose();
    model.dispose();
    tf.dispose([ids, targets]);
  }
}
