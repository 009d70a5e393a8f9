import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, applyStudySummaries, assertValid, getProfile, planStudies, runStudies, shardCells, writeLeaderboards, writeResults, type Profile } from '@labbench/core';
import type { BackendPreference } from '@labbench/tensor';
import { createReporter } from '../progress.js';
import { defaultPaths, loadContext } from './context.js';

interface RunFlags {
  profile?: string;
  study?: string[];
  plugin?: string;
  seeds?: string;
  backend?: string;
  out?: string;
  suite?: string;
  shard?: string;
  quiet?: boolean;
}

function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ConfigError('--shard', `expected i/n with 1 <= i <= n, got '${text}'.`, 'Example: --shard 1/2 runs the first of two shards.');
  }
  return { index, count };
}

function parseSeeds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seeds = Number(text);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20) throw new ConfigError('--seeds', `expected an integer from 1 to 20, got '${text}'.`, 'Example: --seeds 3.');
  return seeds;
}

/** A suite file gives defaults for the flags; flags given on the command line win. */
function readSuite(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  const file = resolve(path);
  if (!existsSync(file)) throw new ConfigError(`--suite ${path}`, 'file not found.', 'Give the path of a JSON suite file.');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, `not valid JSON: ${(error as Error).message}.`, 'Fix the JSON syntax.');
  }
  assertValid('suite', data, file);
  return data as Record<string, unknown>;
}

const BACKENDS = ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'];

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Train and evaluate studies (arms x seeds) under a profile; writes results.jsonl, cells.json and board CSVs.')
    .option('--profile <name>', 'smoke | quick | full (default: $LABBENCH_PROFILE or quick)')
    .option('--study <id...>', 'study ids (default: all, or those of --plugin)')
    .option('--plugin <id>', "run the studies owned by this plugin")
    .option('--seeds <n>', "seeds per arm (default: the profile's)")
    .option('--backend <name>', `${BACKENDS.join(' | ')} (default: $LABBENCH_BACKEND or auto)`)
    .option('--out <dir>', 'output folder (default: .labbench/runs/<plugin|studies>)')
    .option('--suite <file>', 'a JSON suite file with any of: profile, studies, seeds, backend, out')
    .option('--shard <i/n>', 'run only shard i of n (cells partitioned by study and seed)')
    .option('--quiet', 'print only failures and the summary')
    .action(async (flags: RunFlags) => {
      const suite = readSuite(flags.suite);
      const { root, state, registry } = await loadContext();
      const profile: Profile = getProfile(flags.profile ?? (suite.profile as string | undefined) ?? process.env.LABBENCH_PROFILE ?? 'quick');
      const backend = (flags.backend ?? (suite.backend as string | undefined) ?? process.env.LABBENCH_BACKEND ?? 'auto') as BackendPreference;
      if (!BACKENDS.includes(backend)) throw new ConfigError('--backend', `unknown backend '${backend}'.`, `Known: ${BACKENDS.join(', ')}.`);
      const seeds = parseSeeds(flags.seeds) ?? (suite.seeds as number | undefined);
      const shard = parseShard(flags.shard);
      let studies = flags.study ?? (suite.studies as string[] | undefined) ?? [];
      if (flags.plugin) {
        const owner = registry.plugins.find((p) => p.plugin.id === flags.plugin);
        if (!owner) throw new ConfigError('--plugin', `unknown plugin '${flags.plugin}'.`, `Known: ${registry.plugins.map((p) => p.plugin.id).join(', ')}.`);
        studies = [...studies, ...(owner.plugin.studies ?? []).map((s) => s.id)];
        if (studies.length === 0) {
          process.stdout.write(`plugin ${flags.plugin} owns no studies; nothing to run.\n`);
          return;
        }
      }
      // Plan first: unknown studies or bad configs exit 2 before anything is written.
      const cells = shardCells(planStudies(registry, studies, profile, seeds ?? profile.seeds), shard);
      const name = flags.plugin ?? (studies.length > 0 ? studies.join('+') : 'all');
      const outDir = resolve(flags.out ?? (suite.out as string | undefined) ?? join(defaultPaths(state).runs, shard ? `${name}.shard${shard.index}of${shard.count}` : name));
      // Heavy modules load only once the input is known to be good (and never for list/validate).
      const { createEngine, initBackend } = await import('@labbench/tensor');
      const { createDataProvider } = await import('@labbench/corpora');
      const info = await initBackend(backend);
      const reporter = createReporter(process.stderr, Boolean(flags.quiet));
      reporter.log(`profile ${profile.name}, ${cells.length} cells, backend ${info.name}${info.nativeKernels ? ' + native kernels' : ''}, results in ${outDir}`);
      const injected = process.env.LABBENCH_INJECT_NAN?.split('@');
      const summary = await runStudies({
        root, registry, engine: createEngine(info), data: createDataProvider({ cacheDir: defaultPaths(state).datasets }), profile,
        studies, seeds, outDir, cacheDir: defaultPaths(state).cache, shard, reporter,
        injectNan: injected?.length === 2 ? { cell: injected[0], step: Number(injected[1]) } : undefined,
      });
      // cross-arm summaries need every arm of a study: only an unsharded run has them (publish re-applies)
      const records = shard ? summary.records : applyStudySummaries(summary.records, registry.plugins.flatMap((p) => p.plugin.summaries ?? []));
      if (records.length !== summary.records.length) writeResults(summary.resultsPath, records);
      const boards = writeLeaderboards(records, outDir);
      process.stdout.write(`${records.length} records from ${summary.cells.length} cells -> ${summary.resultsPath}\n`);
      for (const path of boards) process.stdout.write(`  ${path}\n`);
      if (summary.failed.length > 0) {
        process.stderr.write(`${summary.failed.length} cell(s) failed:\n`);
        for (const f of summary.failed) process.stderr.write(`  ${f.study}/${f.arm}/seed${f.seed}${f.failedAtStep ? ` at step ${f.failedAtStep}` : ''}: ${f.reason}\n`);
        process.exitCode = 1;
      }
    });
}
