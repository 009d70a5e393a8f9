import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DEFAULT_SNAPSHOT_SECONDS, assertWritable, designName, gateRecords, judgeReport, planSequentialSeeds, writeFileAtomic, applyStudySummaries, assertValid, getProfile, planStudies, suiteSchema, runStudies, shardCells, writeLeaderboards, writeResults, type BackendInfo, type Profile, type SuiteFile } from '@labbench/core';
import type { BackendPreference } from '@labbench/tensor';
import { ProcessPool, STOP_GRACE_SECONDS } from '../cell-pool.js';
import { engineCodeEntries } from '../cell-worker.js';
import { createReporter } from '../progress.js';
import { shardFromEnvironment } from '../shard-env.js';
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
  jobs?: string;
  threads?: string;
  snapshotEvery?: string;
  cellTimeout?: string;
  untilDecided?: boolean;
  maxSeeds?: string;
}

function positiveInteger(flag: string, text: string | undefined, max: number, example: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(flag, `expected an integer from 1 to ${max}, got '${text}'.`, `Example: ${flag} ${example}.`);
  return n;
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
function readSuite(path: string | undefined): SuiteFile {
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
  return data as SuiteFile;
}

const BACKENDS: readonly string[] = suiteSchema.properties.backend.enum; // one list for the flag and the suite file

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
    .option('--jobs <n>', 'cells computed at once, each in a worker process (default: the number of cores)')
    .option('--threads <n>', 'native (OpenBLAS) threads per cell; fixed so results never depend on --jobs (default 1)')
    .option('--snapshot-every <seconds>', 'save a resumable snapshot of each training this often, so a stopped run continues where it was (default 600; 0: never)')
    .option('--until-decided', 'add seeds, study by study, while a claim is undecided and more seeds could decide it (a group-sequential design; see docs/statistics.md)')
    .option('--max-seeds <n>', 'with --until-decided: the most seeds per study (default 8)')
    .option('--cell-timeout <seconds>', "stop a cell that runs longer (default: the profile's, e.g. 600 s smoke, 3600 s quick)")
    .action(async (flags: RunFlags) => {
      const suite = readSuite(flags.suite);
      const { root, state, registry } = await loadContext();
      const profile: Profile = getProfile(flags.profile ?? suite.profile ?? process.env.LABBENCH_PROFILE ?? 'quick');
      const backend = (flags.backend ?? suite.backend ?? process.env.LABBENCH_BACKEND ?? 'auto') as BackendPreference;
      if (!BACKENDS.includes(backend)) throw new ConfigError('--backend', `unknown backend '${backend}'.`, `Known: ${BACKENDS.join(', ')}.`);
      const seeds = parseSeeds(flags.seeds) ?? suite.seeds;
      const shard = parseShard(flags.shard) ?? shardFromEnvironment(process.env);
      const threads = positiveInteger('--threads', flags.threads, 64, '1') ?? 1;
      const snapshotSeconds = flags.snapshotEvery === undefined ? DEFAULT_SNAPSHOT_SECONDS : flags.snapshotEvery.trim() === '' ? Number.NaN : Number(flags.snapshotEvery);
      if (!(snapshotSeconds >= 0 && snapshotSeconds <= 7 * 24 * 3600)) throw new ConfigError('--snapshot-every', `expected seconds from 0 (never) to ${7 * 24 * 3600}, got '${flags.snapshotEvery}'.`, 'Example: --snapshot-every 600.');
      const maxSeeds = positiveInteger('--max-seeds', flags.maxSeeds, 64, '8') ?? 8;
      if (flags.maxSeeds !== undefined && !flags.untilDecided) throw new ConfigError('--max-seeds', 'only means something with --until-decided.', 'Add --until-decided, or use --seeds N for a fixed number of seeds.');
      const timeout = positiveInteger('--cell-timeout', flags.cellTimeout, 7 * 24 * 3600, '3600') ?? profile.cellTimeoutSeconds;
      let studies = flags.study ?? suite.studies ?? [];
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
      const outDir = resolve(flags.out ?? suite.out ?? join(defaultPaths(state).runs, shard ? `${name}.shard${shard.index}of${shard.count}` : name));
      const jobs = Math.min(positiveInteger('--jobs', flags.jobs, 256, '2') ?? availableParallelism(), Math.max(1, cells.length));
      const paths = defaultPaths(state);
      assertWritable(outDir, 'the output folder (--out)'); // before any worker starts or anything trains
      assertWritable(paths.cache, 'the cache folder ($LABBENCH_HOME/cache)');
      const reporter = createReporter(process.stderr, Boolean(flags.quiet));
      const pool = new ProcessPool(jobs, { root, profile, backend, cacheDir: paths.cache, datasetsDir: paths.datasets, threads, snapshotSeconds }, timeout);
      // A signal stops the run gently: trainings in progress save a snapshot at their next step
      // (STOP_GRACE_SECONDS at most), then it says what is saved and how to resume. A second signal
      // ends it at once (the handlers are `once`, so the default action applies).
      let stopping: Promise<never> | undefined;
      const stop = (signal: NodeJS.Signals): void => {
        stopping ??= (async () => {
          const saving = snapshotSeconds > 0 ? `saving a snapshot of each training in progress (up to ${STOP_GRACE_SECONDS} s; ${signal} again stops at once)` : 'snapshots are off (--snapshot-every 0)';
          process.stderr.write(`\nlabbench: stopping on ${signal}: ${saving}.\n`);
          await pool.stop(snapshotSeconds > 0 ? STOP_GRACE_SECONDS : 0);
          const done = existsSync(join(outDir, 'cells.json')) ? (JSON.parse(readFileSync(join(outDir, 'cells.json'), 'utf8')) as { status: string }[]) : [];
          const planned = Math.max(cells.length, done.length); // --until-decided rounds add cells
          const resumes = snapshotSeconds > 0 ? 'finished cells come from the cache, trainings in progress continue from their snapshots' : 'finished cells come from the cache; with snapshots off, trainings in progress start again';
          const args = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
          process.stderr.write(`labbench: stopped by ${signal}. ${done.filter((c) => c.status !== 'failed').length} of ${planned} cells are saved in ${outDir} (results.jsonl, cells.json) and in the cache.\n  Resume with: labbench ${args}\n  (${resumes}; only unfinished work is computed.)\n`);
          process.exit(signal === 'SIGINT' ? 130 : 143);
        })();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let summary;
      try {
        // workers start now; the run prepares the first cells' data (tokenizer, streams) meanwhile
        const started = pool.backend().then((info) => {
          reporter.log(`profile ${profile.name}, ${cells.length} cells, ${jobs} at a time (${threads} native thread${threads > 1 ? 's' : ''} each), backend ${info.name}${info.nativeKernels ? ' + native kernels' : ''}, results in ${outDir}`);
          return info as BackendInfo;
        });
        const { createDataProvider } = await import('@labbench/corpora');
        const prepareData = createDataProvider({ cacheDir: paths.datasets });
        const injected = process.env.LABBENCH_INJECT_NAN?.split('@');
        const runOnce = (seedsByStudy?: Record<string, number>) => runStudies({
          root, registry, profile, studies, seeds, seedsByStudy, outDir, cacheDir: paths.cache, shard, reporter, executor: pool,
          backend: started, codeEntries: engineCodeEntries(), prepareData,
          injectNan: injected?.length === 2 ? { cell: injected[0], step: Number(injected[1]) } : undefined,
        });
        summary = await runOnce();
        if (flags.untilDecided && !stopping) summary = await addSeedsUntilDecided(summary, runOnce, { registry, studies, outDir, maxSeeds, start: seeds ?? profile.seeds, log: (m) => reporter.log(m), stopping: () => stopping !== undefined });
      } catch (error) {
        if (stopping) await stopping;
        throw error;
      } finally {
        if (!stopping) await pool.close();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      if (stopping) await stopping; // the stop ends the process; a partial run publishes nothing
      // cross-arm summaries and gates need every arm of a study: only an unsharded run has them (publish re-applies and re-measures)
      const records = shard ? summary.records : applyStudySummaries(summary.records, registry.plugins.flatMap((p) => p.plugin.summaries ?? []));
      const judged = judgeRun(registry, studies.length > 0 ? studies : registry.ids('study'), records);
      const gates = shard ? [] : gateRecords(judged.entries, judged.definitions, profile.name);
      if (records.length !== summary.records.length || gates.length > 0) writeResults(summary.resultsPath, records, gates);
      const boards = writeLeaderboards(records, outDir, { boards: registry.boards() }); // registered boards: headline metric and facet columns first
      process.stdout.write(`${records.length} records${gates.length ? ` and ${gates.length} gate records` : ''} from ${summary.cells.length} cells -> ${summary.resultsPath}\n`);
      for (const path of boards) process.stdout.write(`  ${path}\n`);
      printClaimSummary(judged.entries);
      if (summary.failed.length > 0) {
        process.stderr.write(`${summary.failed.length} cell(s) failed:\n`);
        for (const f of summary.failed) process.stderr.write(`  ${f.study}/${f.arm}/seed${f.seed}${f.failedAtStep ? ` at step ${f.failedAtStep}` : ''}: ${f.reason}\n`);
        process.exitCode = 1;
      }
    });
}

type RunSummary = Awaited<ReturnType<typeof runStudies>>;

/**
 * Sequential seeds: after each round, `planSequentialSeeds` (a group-sequential design with
 * alpha spending, so looking again after every seed keeps the false-positive rate at its level)
 * says which studies need another seed; only those run again, with their earlier cells from the
 * cache. The plans of the last round go to sequential.json beside the results, for publishing.
 */
async function addSeedsUntilDecided(
  first: RunSummary, runOnce: (seedsByStudy: Record<string, number>) => Promise<RunSummary>,
  options: { registry: import('@labbench/core').Registry; studies: readonly string[]; outDir: string; maxSeeds: number; start: number; log: (m: string) => void; stopping: () => boolean },
): Promise<RunSummary> {
  const ids = options.studies.length > 0 ? options.studies : options.registry.ids('study');
  const definitions = ids.map((id) => options.registry.get('study', id)).filter((s) => (s.claims ?? []).length > 0);
  const design = { maxSeeds: options.maxSeeds, minSeeds: Math.min(2, options.maxSeeds) };
  const seedsByStudy: Record<string, number> = Object.fromEntries(ids.map((id) => [id, options.start]));
  let summary = first;
  // a stopped round's records are partial: no plan is made from them, and no round follows
  while (!options.stopping()) {
    const plans = planSequentialSeeds(definitions, summary.records, design);
    writeFileAtomic(join(options.outDir, 'sequential.json'), `${JSON.stringify({ design: designName(design), plans }, null, 2)}\n`);
    const more = plans.filter((p) => p.decision === 'add seed' && p.nextSeeds !== null);
    for (const p of plans) options.log(`sequential: ${p.study} at ${p.seeds} seeds: ${p.decision}${p.nextSeeds ? ` -> ${p.nextSeeds}` : ''} (${p.claims.map((c) => `${c.claim}: ${c.decision}`).join('; ') || 'no claims'})`);
    if (more.length === 0 || summary.failed.length > 0) return summary;
    for (const p of more) seedsByStudy[p.study] = p.nextSeeds!;
    summary = await runOnce(seedsByStudy);
  }
  return summary;
}

/** The claims of the studies a run ran, judged on its records (raw verdicts: Holm needs the whole report, which publish has). */
function judgeRun(registry: import('@labbench/core').Registry, studyIds: readonly string[], records: readonly import('@labbench/core').ResultRecord[]) {
  const definitions = studyIds.map((id) => registry.get('study', id));
  const entries = judgeReport(definitions.map((study) => ({ study, paper: study.paper?.title ?? study.id, plugin: null })), records);
  return { definitions, entries };
}

/**
 * What the run found, before the file paths: each claim it ran with its raw verdict, effect
 * and interval, and the gates that failed.
 */
function printClaimSummary(judged: readonly import('@labbench/core').ReplicationEntry[]): void {
  const entries = judged.filter((e) => e.verdict !== 'not run');
  if (entries.length === 0) return;
  const fmt = (x: number) => String(Number(x.toPrecision(3)));
  process.stdout.write('claims (raw verdicts; publish corrects across the report):\n');
  for (const e of entries) {
    const effect = e.effect === null ? '-' : `${fmt(e.effect)}${e.interval ? ` [${fmt(e.interval[0])}, ${fmt(e.interval[1])}]` : ''}${e.scale === 'log' ? ' (log ratio)' : ''}`;
    const failedGates = e.gates.filter((g) => g.passed !== true).map((g) => `${g.gate} ${g.measured === null ? 'unmeasured' : fmt(g.measured)} (needs ${g.comparison} ${fmt(g.threshold)})`);
    process.stdout.write(`  ${`${e.study}/${e.claim}`.padEnd(40)} ${e.verdict.padEnd(15)} effect ${effect}, ${e.seeds} seed(s)${failedGates.length ? `; gates failed: ${failedGates.join(', ')}` : ''}\n`);
  }
}
