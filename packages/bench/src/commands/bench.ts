import type { Command } from 'commander';
import { ConfigError, type PluginBenchmark } from '@labbench/core';
import { loadContext } from './context.js';

/**
 * `labbench bench <id>`: benchmarks contributed by plugins (e.g. `tokenizer`) and by the harness
 * itself (`kernels`, `throughput`, added by packages/tensor's speed work). Timings are reported,
 * never asserted in tests.
 */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Run a benchmark: one contributed by a plugin (see labbench list) or a harness one.')
    .argument('<id>', 'benchmark id, e.g. tokenizer')
    .option('--json', 'print the result as JSON')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(async (id: string, options: Record<string, string | boolean | undefined>, command: Command) => {
      const { harnessBenchmarks } = await import('@labbench/tensor');
      // harness benchmarks (kernels, throughput) need no plugin; a plugin cannot shadow them
      let benchmark = harnessBenchmarks.find((b) => b.id === id);
      let benchmarks: readonly PluginBenchmark[] = harnessBenchmarks;
      if (!benchmark) {
        const { registry } = await loadContext();
        benchmarks = [...harnessBenchmarks, ...registry.plugins.flatMap((p) => p.plugin.benchmarks ?? []).filter((b) => !harnessBenchmarks.some((h) => h.id === b.id))];
        benchmark = benchmarks.find((b) => b.id === id);
      }
      if (!benchmark) throw new ConfigError(`bench ${id}`, `unknown benchmark '${id}'.`, `Known: ${benchmarks.map((b) => b.id).sort().join(', ') || '(none)'}.`);
      const extra = parseExtra(command.args.slice(1));
      const result = await benchmark.run({ ...extra, ...options });
      const summary = Array.isArray(result.summary) ? `${(result.summary as string[]).join('\n')}\n` : JSON.stringify(result, null, 2) + '\n';
      process.stdout.write(options.json ? JSON.stringify(result, null, 2) + '\n' : `${benchmark.description}\n${summary}`);
    });
}

/** `--name value` and `--flag` pairs after the benchmark id, passed to the benchmark. */
function parseExtra(args: readonly string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    if (args[i + 1] !== undefined && !args[i + 1].startsWith('--')) out[name] = args[++i];
    else out[name] = true;
  }
  return out;
}
