import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, readResults, writeLeaderboards, writeResults, type ResultRecord } from '@labbench/core';
import { defaultPaths, loadContext } from './context.js';

/** Every results.jsonl directly in `dir` or one folder below it. */
function findResultFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const direct = join(dir, 'results.jsonl');
  const nested = readdirSync(dir)
    .map((name) => join(dir, name, 'results.jsonl'))
    .filter((path) => existsSync(path) && statSync(path).isFile());
  return [...(existsSync(direct) ? [direct] : []), ...nested].sort();
}

/**
 * Merges records from several runs. When two runs hold the same (study, arm, seed, metric) the
 * newer one wins, so re-running a study replaces its rows.
 */
export function mergeRecords(files: readonly string[]): ResultRecord[] {
  const byKey = new Map<string, ResultRecord>();
  for (const file of files) {
    for (const record of readResults(file)) {
      const key = `${record.study}\u0000${record.arm}\u0000${record.seed}\u0000${record.board}\u0000${record.metric}`;
      const existing = byKey.get(key);
      if (!existing || existing.provenance.date <= record.provenance.date) byKey.set(key, record);
    }
  }
  return [...byKey.values()].sort((a, b) =>
    a.study.localeCompare(b.study) || a.arm.localeCompare(b.arm) || a.seed - b.seed || a.board.localeCompare(b.board) || a.metric.localeCompare(b.metric));
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('Merge run results into leaderboards/: results.jsonl and one CSV per board.')
    .option('--runs <dir>', 'folder of runs to merge (default: .labbench/runs)')
    .option('--results <file...>', 'results files to merge instead of --runs')
    .option('--out <dir>', 'output folder (default: leaderboards)')
    .action(async (options: { runs?: string; results?: string[]; out?: string }) => {
      const { root, state } = await loadContext();
      const files = options.results?.map((f) => resolve(f)) ?? findResultFiles(resolve(options.runs ?? defaultPaths(state).runs));
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length > 0) throw new ConfigError(missing[0], 'results file not found.', 'Run `labbench run` first, or name existing files.');
      if (files.length === 0) throw new ConfigError(options.runs ?? defaultPaths(state).runs, 'no results.jsonl found.', 'Run `labbench run` (or `nx run bench:all`) first.');
      const records = mergeRecords(files);
      const outDir = resolve(options.out ?? join(root, 'leaderboards'));
      writeResults(join(outDir, 'results.jsonl'), records);
      const boards = writeLeaderboards(records, outDir);
      process.stdout.write(`merged ${records.length} records from ${files.length} run(s) into ${outDir}\n`);
      for (const path of boards) process.stdout.write(`  ${path}\n`);
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
