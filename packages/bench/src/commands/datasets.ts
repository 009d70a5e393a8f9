import type { Command } from 'commander';
import { defaultPaths, loadContext } from './context.js';

export function registerDatasets(program: Command): void {
  const datasets = program.command('datasets').description('Corpora and evaluation sets: list, build (cached, verified), stats.');
  datasets
    .command('list')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { datasetsList } = await import('@labbench/corpora');
      const list = datasetsList();
      process.stdout.write(options.json ? JSON.stringify(list, null, 2) + '\n' : `${JSON.stringify(list, null, 2)}\n`);
    });
  datasets
    .command('build')
    .option('--force', 'rebuild even when the cache verifies')
    .action(async (options: { force?: boolean }) => {
      const { state } = await loadContext();
      const { buildAll } = await import('@labbench/corpora');
      const result = await buildAll({ cacheDir: defaultPaths(state).datasets, force: Boolean(options.force) });
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    });
  datasets
    .command('stats')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { state } = await loadContext();
      const { datasetStats } = await import('@labbench/corpora');
      const stats = await datasetStats({ cacheDir: defaultPaths(state).datasets });
      if (options.json) {
        process.stdout.write(JSON.stringify(stats, null, 2) + '\n');
        return;
      }
      for (const c of stats.corpora) process.stdout.write(`${c.name.padEnd(16)} ${String(c.documents).padStart(6)} docs  train/valid/test ${c.perSplit.train}/${c.perSplit.valid}/${c.perSplit.test}  ${c.sha256.slice(0, 12)}\n`);
      for (const s of stats.sets) process.stdout.write(`${s.name.padEnd(24)} v${s.version} ${String(s.items).padStart(6)} items  ${s.sha256.slice(0, 12)}\n`);
    });
}
