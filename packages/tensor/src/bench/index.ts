import type { PluginBenchmark } from '@labbench/core';
import type { ArmResolver } from './models.js';

export type { ArmModelSpec, ArmResolver } from './models.js';

/** The harness's own benchmarks (`labbench bench kernels|throughput`); heavy modules load on run. */
export const harnessBenchmarks: readonly PluginBenchmark[] = [
  {
    id: 'kernels',
    description: 'tinybench micro-benchmarks of every patched or native wasm kernel against the stock one (GFLOP/s or GB/s, median, relative margin of error).',
    run: async (options) => (await import('./kernels.js')).kernelsBenchmark(options),
  },
  {
    id: 'throughput',
    description: 'Training tokens/s of full steps (forward, backward, Adam) per backend, the fraction of the measured matmul ceiling, and with --peer pytorch the ratio to the PyTorch reference.',
    run: async (options) => (await import('./throughput.js')).throughputBenchmark(options),
  },
];

/** `labbench bench throughput` with models the harness resolves through the plugin registry (a profile or a study arm). */
export async function throughputWithArms(options: Readonly<Record<string, string | boolean | undefined>>, resolve: ArmResolver): Promise<Record<string, unknown>> {
  return (await import('./throughput.js')).throughputBenchmark(options, resolve);
}
