import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, applyStudySummaries, writeResults } from '@labbench/core';
import { findResultFiles, mergeRecords, mergeTraining, publishLeaderboards } from '../publish/index.js';
import { defaultPaths, loadContext } from './context.js';

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('Merge run results into leaderboards/: results.jsonl, one CSV per board, index.html with plots, REPLICATION.md.')
    .option('--runs <dir>', 'folder of runs to merge (default: .labbench/runs)')
    .option('--results <file...>', 'results files to merge instead of --runs')
    .option('--out <dir>', 'output folder (default: leaderboards)')
    .action(async (options: { runs?: string; results?: string[]; out?: string }) => {
      const { root, state, registry } = await loadContext();
      const files = options.results?.map((f) => resolve(f)) ?? findResultFiles(resolve(options.runs ?? defaultPaths(state).runs));
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length > 0) throw new ConfigError(missing[0], 'results file not found.', 'Run `labbench run` first, or name existing files.');
      if (files.length === 0) throw new ConfigError(options.runs ?? defaultPaths(state).runs, 'no results.jsonl found.', 'Run `labbench run` (or `nx run bench:all`) first.');
      const summaries = registry.plugins.flatMap((p) => p.plugin.summaries ?? []);
      const records = applyStudySummaries(mergeRecords(files), summaries);
      const outDir = resolve(options.out ?? join(root, 'leaderboards'));
      const written = await publishLeaderboards(registry, records, mergeTraining(files), outDir);
      process.stdout.write(`merged ${records.length} records from ${files.length} run(s) into ${outDir}\n`);
      for (const path of written) process.stdout.write(`  ${path}\n`);
    });

  program
    .command('merge')
    .description('Merge results files (e.g. from shards run on several machines) into one results.jsonl.')
    .argument('<files...>', 'results.jsonl files')
    .requiredOption('--out <file>', 'the merged results file')
    .action((files: string[], options: { out: string }) => {
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length > 0) throw new ConfigError(missing[0], 'results file not found.', 'Name existing results.jsonl files.');
      const records = mergeRecords(files.map((f) => resolve(f)));
      writeResults(resolve(options.out), records);
      process.stdout.write(`merged ${records.length} records into ${options.out}\n`);
    });
}
