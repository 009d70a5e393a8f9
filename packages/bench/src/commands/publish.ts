import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, applyStudySummaries, readResults, writeResults, type ResultRecord } from '@labbench/core';
import { assertNotMixed, findResultFiles, mergeRecordLists, mergeTraining, publishLeaderboards } from '../publish/index.js';
import { readSequential } from '../publish/replication.js';
import { defaultPaths, loadContext } from './context.js';
import { PREREGISTRATION_DIR, readPreregistrations } from './preregister.js';

/** Profiles whose pages are previews: their numbers only show that everything runs. */
const PREVIEW_PROFILES = new Set(['smoke']);

/** A preview when any record, or the profile the user asked for, is a preview profile. */
export function isPreview(records: readonly ResultRecord[], envProfile = process.env.LABBENCH_PROFILE): boolean {
  return (envProfile !== undefined && PREVIEW_PROFILES.has(envProfile)) || records.some((r) => PREVIEW_PROFILES.has(r.provenance.profile));
}

/**
 * Where publish writes without --out: the committed leaderboards/ only for real runs; a smoke or
 * other preview run goes to a scratch folder in the state folder, so it can never overwrite them.
 */
export function defaultOut(root: string, state: string, records: readonly ResultRecord[]): string {
  if (!isPreview(records)) return join(root, 'leaderboards');
  const profile = process.env.LABBENCH_PROFILE && PREVIEW_PROFILES.has(process.env.LABBENCH_PROFILE) ? process.env.LABBENCH_PROFILE : 'smoke';
  return join(state, `leaderboards-${profile}`);
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('Merge run results into leaderboards/: results.jsonl and results.csv, one CSV per board, index.html with plots, REPLICATION.md, training.jsonl.gz.')
    .option('--runs <dir>', 'folder of runs to merge (default: .labbench/runs)')
    .option('--results <file...>', 'results files to merge instead of --runs')
    .option('--out <dir>', 'output folder (default: leaderboards, or .labbench/leaderboards-smoke for a smoke run)')
    .option('--allow-mixed', 'publish records of different profiles or versions together')
    .action(async (options: { runs?: string; results?: string[]; out?: string; allowMixed?: boolean }) => {
      const { root, state, registry } = await loadContext();
      const files = options.results?.map((f) => resolve(f)) ?? findResultFiles(resolve(options.runs ?? defaultPaths(state).runs));
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length > 0) throw new ConfigError(missing[0], 'results file not found.', 'Run `labbench run` first, or name existing files.');
      if (files.length === 0) throw new ConfigError(options.runs ?? defaultPaths(state).runs, 'no results.jsonl found.', 'Run `labbench run` (or `nx run bench:all`) first.');
      // every input is read and validated (schemas, depth and size limits) before anything is written
      const merged = mergeRecordLists(files.map((file) => readResults(file)));
      const training = mergeTraining(files);
      assertNotMixed(merged, options.allowMixed ?? false);
      const summaries = registry.plugins.flatMap((p) => p.plugin.summaries ?? []);
      const records = applyStudySummaries(merged, summaries);
      const outDir = resolve(options.out ?? defaultOut(root, state, records));
      const preview = isPreview(records);
      const sequential = readSequential(files, records); // --until-decided designs (sequential.json beside each results file)
      const preregistrations = readPreregistrations(join(root, PREREGISTRATION_DIR)); // docs/preregistration.md
      const written = await publishLeaderboards(registry, records, training, outDir, { preview, sequential, preregistrations, plotSources: files.map((f) => dirname(f)) });
      process.stdout.write(`merged ${records.length} records from ${files.length} run(s) into ${outDir}${preview ? ' (preview: no verdicts)' : ''}\n`);
      process.stdout.write(`  ${written.filter((p) => !p.startsWith('plots')).join(', ')} and ${written.filter((p) => p.startsWith('plots')).length} plots\n`);
    });

  program
    .command('merge')
    .description('Merge results files (e.g. from shards run on several machines) into one results.jsonl.')
    .argument('<files...>', 'results.jsonl files')
    .requiredOption('--out <file>', 'the merged results file')
    .action((files: string[], options: { out: string }) => {
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length > 0) throw new ConfigError(missing[0], 'results file not found.', 'Name existing results.jsonl files.');
      const records = mergeRecordLists(files.map((f) => readResults(resolve(f))));
      writeResults(resolve(options.out), records);
      process.stdout.write(`merged ${records.length} records into ${options.out}\n`);
    });
}
