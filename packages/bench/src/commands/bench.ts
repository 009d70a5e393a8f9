import type { Command } from 'commander';
import { ConfigError, PROFILES, getProfile, planStudies, suggest, type PluginBenchmark, type Registry } from '@labbench/core';
import type { ArmModelSpec } from '@labbench/tensor';
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
      const merged = { ...extra, ...options };
      const model = typeof merged.model === 'string' ? merged.model : undefined;
      let result: Record<string, unknown>;
      if (id === 'throughput' && model && !['ref', 'tiny'].includes(model)) {
        // a profile or a study arm: built with the plugin's own factory, as `labbench run` builds it
        const { registry } = await loadContext();
        const { throughputWithArms } = await import('@labbench/tensor');
        result = await throughputWithArms(merged, (spec) => resolveArm(registry, spec));
      } else result = await benchmark.run(merged);
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

/**
 * `--model` of `bench throughput` beyond the harness's own `ref` and `tiny`: a profile name
 * (`quick`: the dense reference model at that profile's sizes, which the default study's baseline
 * arms train) or `<study>/<arm>[@<profile>]` (any arm, knock-outs included; profile quick unless
 * given), built from the arm's plugin factory with the profile's vocabulary, context and batch.
 */
export function resolveArm(registry: Registry, spec: string): ArmModelSpec {
  const where = 'bench throughput --model';
  const [path, profileName] = spec.split('@');
  if (!path.includes('/')) {
    if (!Object.hasOwn(PROFILES, path)) {
      throw new ConfigError(where, `'${spec}' is neither ref, tiny, a profile nor <study>/<arm>.`, `A <study>/<arm>[@profile] looks like dense-baseline/relu@quick. ${suggest(path, [...Object.keys(PROFILES), 'ref', 'tiny'])}`);
    }
    const profile = getProfile(path);
    const factory = registry.get('model', 'dense');
    return armSpec(path, profile, { ...profile.model }, (config, context) => factory.create(config, context));
  }
  const profile = getProfile(profileName ?? 'quick');
  const [studyId, armId] = path.split('/');
  const cells = planStudies(registry, [studyId], profile, 1);
  const cell = cells.find((c) => c.armId === armId);
  if (!cell) throw new ConfigError(where, `study '${studyId}' has no arm '${armId}' at profile ${profile.name}.`, `Arms: ${[...new Set(cells.map((c) => c.armId))].join(', ')}.`);
  if (cell.arm.model === 'none') throw new ConfigError(where, `arm '${armId}' of '${studyId}' is a count model (no training step to measure).`, 'Pick a neural arm.');
  const factory = registry.get('model', cell.arm.model);
  const config = { ...profile.model, ...(cell.arm.modelConfig ?? {}) };
  const spec2 = armSpec(`${studyId}/${armId}@${profile.name}`, profile, config, (c, context) => factory.create(c, context));
  return { ...spec2, learningRate: cell.arm.train?.learningRate ?? spec2.learningRate, weightDecay: cell.arm.train?.weightDecay ?? spec2.weightDecay };
}

type Create = (config: Record<string, unknown>, context: { vocabSize: number; seqLen: number; seed: number; tokenCounts: Float64Array }) => ReturnType<ArmModelSpec['create']>;

function armSpec(id: string, profile: ReturnType<typeof getProfile>, config: Record<string, unknown>, create: Create): ArmModelSpec {
  return {
    id, batch: profile.batchSize, time: profile.seqLen, vocab: profile.vocabSize, learningRate: profile.learningRate, weightDecay: profile.weightDecay,
    // uniform token counts stand in for the corpus's (MaskMoE-style models read them at build time)
    create: (seed) => create(config, { vocabSize: profile.vocabSize, seqLen: profile.seqLen, seed, tokenCounts: new Float64Array(profile.vocabSize).fill(1) }),
  };
}
