import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DataError, assignShards, cellCost, getProfile, planStudies, shardCount, shardGroups, trainedWith, type PlannedCell } from '@labbench/core';
import { loadContext } from './context.js';

/**
 * `labbench plan`: what a profile will run before it runs. Cells with their parameters, FLOPs and
 * tokens; hours from a measured training throughput; shards cut by cost so each takes about
 * `--hours-per-shard` (the same assignment `labbench run --shard i/n` uses).
 *
 * Throughput: effective training FLOP/s on this machine, read from `--throughput FILE` or
 * `$LABBENCH_HOME/throughput.json`: either `{ "trainGflops": 57 }` or the output of
 * `labbench bench throughput --json` (its best `achievedGflops`). Without one, DEFAULT_TRAIN_GFLOPS.
 */

// Measured on the project's 2-core machine: a full-profile dense cell (d128, 4 layers, vocab 4096,
// 10.2 MFLOP per trained token) at 5,630 tokens/s is 57 GFLOP/s (issue #16); the quick profile's
// tiny model (1.3 MFLOP/token) at 13,800 tokens/s is 18. Small models waste more, so 40 is a
// middle a campaign-sized model reaches; measure and store your own for a plan you rely on.
export const DEFAULT_TRAIN_GFLOPS = 40;
const DEFAULT_HOURS_PER_SHARD = 2;

interface PlanFlags {
  profile?: string;
  study?: string[];
  seeds?: string;
  json?: boolean;
  throughput?: string;
  hoursPerShard?: string;
}

interface Throughput {
  readonly trainGflops: number;
  readonly source: string;
}

/** The best `achievedGflops` (or a `trainGflops`) anywhere in a JSON document. */
function gflopsIn(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  let best: number | undefined;
  for (const [key, v] of Object.entries(value)) {
    const found = (key === 'trainGflops' || key === 'achievedGflops') && typeof v === 'number' && v > 0 ? v : gflopsIn(v);
    if (found !== undefined && (best === undefined || found > best)) best = found;
  }
  return best;
}

export function readThroughput(path: string | undefined, state: string): Throughput {
  const file = path ? resolve(path) : join(state, 'throughput.json');
  if (!existsSync(file)) {
    if (path) throw new ConfigError(`--throughput ${path}`, 'file not found.', 'Save `labbench bench throughput --json` to a file, or write { "trainGflops": N }.');
    return { trainGflops: DEFAULT_TRAIN_GFLOPS, source: `default (${DEFAULT_TRAIN_GFLOPS} GFLOP/s; store a measurement in ${file})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataError(file, `not valid JSON: ${(error as Error).message}.`, 'Write { "trainGflops": N } or the output of labbench bench throughput --json.');
  }
  const gflops = gflopsIn(data);
  if (gflops === undefined) throw new DataError(file, 'holds no positive trainGflops or achievedGflops.', 'Write { "trainGflops": N } or the output of labbench bench throughput --json.');
  return { trainGflops: gflops, source: file };
}

const hoursOf = (cost: number, t: Throughput) => cost / (t.trainGflops * 1e9) / 3600;

function cellRow(c: PlannedCell, t: Throughput, trainer: ReadonlyMap<PlannedCell, PlannedCell>) {
  const e = c.estimate();
  const first = trainer.get(c);
  return {
    study: c.study.id, arm: c.armId, seed: c.seed, ...(c.role ? { role: c.role } : {}),
    paramsTotal: e.params.total, paramsActive: e.params.active,
    flopsPerTokenTrain: e.flopsPerToken.train, tokens: e.tokens, evalTokens: e.evalTokens,
    // a cell whose model another cell trains pays only its evaluation
    ...(first ? { trainedBy: `${first.study.id}/${first.armId}` } : {}),
    hours: hoursOf(cellCost(c, trainer), t),
  };
}

/** Writes and waits until the text is flushed: the CLI exits right after, which would cut a piped plan. */
const write = (text: string) => new Promise<void>((done) => process.stdout.write(text, () => done()));

const fmt = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('Print the cells of a profile with parameters, FLOPs, tokens and estimated hours, and cost-balanced shards.')
    .option('--profile <name>', 'profile (default: $LABBENCH_PROFILE or quick)')
    .option('--study <id...>', 'study ids (default: all)')
    .option('--seeds <n>', 'seeds per arm (default: the profile\'s)')
    .option('--throughput <file>', 'measured training throughput (default: $LABBENCH_HOME/throughput.json)')
    .option('--hours-per-shard <h>', `target hours per shard (default ${DEFAULT_HOURS_PER_SHARD})`)
    .option('--json', 'print the plan as JSON')
    .action(async (flags: PlanFlags) => {
      const profile = getProfile(flags.profile ?? process.env.LABBENCH_PROFILE);
      const seeds = flags.seeds === undefined ? profile.seeds : Number(flags.seeds);
      if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20) throw new ConfigError('--seeds', `expected an integer from 1 to 20, got '${flags.seeds}'.`, 'Example: --seeds 3.');
      const target = flags.hoursPerShard === undefined ? DEFAULT_HOURS_PER_SHARD : Number(flags.hoursPerShard);
      if (!(target > 0 && Number.isFinite(target))) throw new ConfigError('--hours-per-shard', `expected a positive number, got '${flags.hoursPerShard}'.`, 'Example: --hours-per-shard 2.');
      const { registry, state } = await loadContext();
      const throughput = readThroughput(flags.throughput, state);
      const cells = planStudies(registry, flags.study ?? [], profile, seeds);
      const groups = shardGroups(cells);
      const trainer = trainedWith(cells);
      const count = shardCount(groups, target * 3600 * throughput.trainGflops * 1e9);
      const shards = assignShards(groups, count);
      const base = ['labbench', 'run', '--profile', profile.name, ...(flags.study?.length ? ['--study', ...flags.study] : []), ...(flags.seeds ? ['--seeds', String(seeds)] : [])];
      const plan = {
        profile: profile.name, seeds, throughput,
        cells: cells.map((c) => cellRow(c, throughput, trainer)),
        totalHours: hoursOf(groups.reduce((a, g) => a + g.cost, 0), throughput),
        hoursPerShardTarget: target,
        shards: shards.map((s, i) => ({
          index: i + 1, count, hours: hoursOf(s.reduce((a, g) => a + g.cost, 0), throughput),
          groups: s.map((g) => g.key), command: [...base, '--shard', `${i + 1}/${count}`].join(' '),
        })),
      };
      if (flags.json) return write(`${JSON.stringify(plan, null, 2)}\n`);
      const lines = [`profile ${profile.name}: ${cells.length} cells, ${seeds} seed(s); throughput ${throughput.trainGflops.toFixed(1)} GFLOP/s from ${throughput.source}`, ''];
      lines.push(['study', 'arm', 'seed', 'params', 'FLOP/token', 'tokens', 'hours'].join('\t'));
      for (const r of plan.cells) lines.push([r.study, r.arm, r.seed, `${fmt(r.paramsTotal)}${r.paramsActive !== r.paramsTotal ? ` (${fmt(r.paramsActive)} active)` : ''}`, fmt(r.flopsPerTokenTrain), fmt(r.tokens), `${r.hours.toFixed(3)}${r.trainedBy ? ` (trained by ${r.trainedBy})` : ''}`].join('\t'));
      const byStudy = new Map<string, { cells: number; hours: number }>();
      for (const r of plan.cells) {
        const s = byStudy.get(r.study) ?? { cells: 0, hours: 0 };
        byStudy.set(r.study, { cells: s.cells + 1, hours: s.hours + r.hours });
      }
      lines.push('', 'per study:');
      for (const [study, s] of byStudy) lines.push(`  ${study.padEnd(28)} ${String(s.cells).padStart(4)} cells  ${s.hours.toFixed(2).padStart(8)} h`);
      lines.push('', `total ${plan.totalHours.toFixed(2)} h; ${count} shard(s) of about ${target} h:`);
      for (const s of plan.shards) lines.push(`  ${s.command}    # ${s.hours.toFixed(2)} h, ${s.groups.length} group(s) of cells`);
      await write(`${lines.join('\n')}\n`);
    });
}
