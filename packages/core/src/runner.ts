import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricRecord } from './contracts/evaluator.js';
import type { DataProvider } from './contracts/data.js';
import { ContentStore } from './cache.js';
import type { CellContext, CellOutcome, CellReporter, CellTask, EvalArtifact } from './cell.js';
import { componentVersions, createCellContext, executeCell } from './cell.js';
import type { BackendInfo, StepProgress, TrainingEngine } from './engine.js';
import { writeFileAtomic } from './atomic.js';
import { ConfigError } from './errors.js';
import type { PlannedCell } from './plan.js';
import { planStudies, shardCells, trainedWith } from './plan.js';
import type { Profile } from './profiles.js';
import type { Registry } from './registry.js';
import type { Provenance, ResultRecord } from './results.js';
import { writeResults } from './results.js';
import { withoutProcessExit } from './registry.js';
import { TokenData } from './token-data.js';

export interface RunReporter {
  cellStart(cell: CellLabel, index: number, total: number): void;
  step(cell: CellLabel, progress: StepProgress): void;
  cellEnd(cell: CellLabel, status: CellStatus): void;
  log(message: string): void;
}

export interface CellLabel {
  readonly study: string;
  readonly arm: string;
  readonly seed: number;
}

export interface CellStatus extends CellLabel {
  readonly status: 'ok' | 'cached' | 'failed';
  /** For computed cells with a model: trained in this run, or loaded from the cache (only re-evaluated). */
  readonly training?: 'trained' | 'loaded';
  readonly evalKey: string;
  readonly reason?: string;
  readonly failedAtStep?: number;
  readonly wallSeconds: number;
  /** Seconds spent training (or loading) and evaluating, when the cell was computed in this run. */
  readonly trainSeconds?: number;
  readonly evalSeconds?: number;
  /** Of `evalSeconds`, the seconds each evaluator took. */
  readonly evaluatorSeconds?: Readonly<Record<string, number>>;
}

/**
 * Computes cells somewhere: in this process (`inlineExecutor`) or in worker processes (the CLI's
 * pool, which contains a plugin's exit, hang or crash to its cell). `slots` cells run at once.
 */
export interface CellExecutor {
  readonly slots: number;
  /** True once the run is stopping (a signal): the runner launches no further cell and waits for the running ones. */
  readonly stopping?: boolean;
  run(task: CellTask, reporter: CellReporter): Promise<CellOutcome>;
  close(): Promise<void>;
}

export interface RunOptions {
  readonly root: string;
  readonly registry: Registry;
  readonly profile: Profile;
  readonly studies: readonly string[];
  readonly seeds?: number;
  /** Seeds per study, overriding `seeds` (sequential seeds add them study by study). */
  readonly seedsByStudy?: Readonly<Record<string, number>>;
  readonly outDir: string;
  readonly cacheDir: string;
  readonly shard?: { index: number; count: number };
  readonly reporter?: RunReporter;
  /** Where cells run; default: in this process, with `engine` and `data`. */
  readonly executor?: CellExecutor;
  /** For the default (in-process) executor. */
  readonly engine?: TrainingEngine;
  readonly data?: DataProvider;
  /**
   * With an executor in other processes: tokenizers and token streams are made here, once, before
   * the first cell that needs them is sent out, and stored in the content store, so workers load
   * them instead of each training and encoding them (and do it while the workers start).
   */
  readonly prepareData?: DataProvider;
  /** Entry modules of the engine and data packages (their code is on every cell's path). */
  readonly codeEntries?: readonly string[];
  /** For the default executor: wall seconds of training between resumable snapshots (default 600; 0: none). */
  readonly snapshotSeconds?: number;
  /** Recorded in provenance: the backend the executor's processes use (a promise: workers still starting). */
  readonly backend?: BackendInfo | Promise<BackendInfo>;
  /** Reliability tests: make one cell's loss NaN at a step (`study/arm/seed`). */
  readonly injectNan?: { cell: string; step: number };
}

export interface RunSummary {
  readonly records: ResultRecord[];
  readonly cells: CellStatus[];
  readonly failed: CellStatus[];
  readonly resultsPath: string;
}

/** Options once the executor's backend is known. */
type Settled = Omit<RunOptions, 'backend'> & { readonly backend?: BackendInfo };

const silent: RunReporter = { cellStart() {}, step() {}, cellEnd() {}, log() {} };

function coreVersion(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

function gitCommit(root: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const cellId = (study: string, arm: string, seed: number) => `${study}/${arm}/${seed}`;

/** Runs cells in this process: no containment, for programmatic use and tests. */
export function inlineExecutor(ctx: CellContext): CellExecutor {
  return { slots: 1, run: (task, reporter) => executeCell(ctx, task, reporter), close: async () => {} };
}

/**
 * Runs studies: plans every cell (bad input fails before anything is written), checks that the
 * output and cache folders can be written, then computes cells on the executor's slots while
 * keeping dependent cells (a converted arm) after their source. A cell whose source failed fails
 * with "source <cell> failed" and is never trained from scratch. results.jsonl, training.jsonl
 * and cells.json are rewritten atomically after every cell, in plan order whatever order cells
 * finish in, so a crash loses at most the cells in progress and `--jobs` never changes a file.
 */
export async function runStudies(options: RunOptions): Promise<RunSummary> {
  const { registry, profile } = options;
  const reporter = options.reporter ?? silent;
  const seeds = options.seeds ?? profile.seeds;
  const studyIds = options.studies.length > 0 ? options.studies : registry.ids('study');
  const planned = options.seedsByStudy
    ? studyIds.flatMap((id) => planStudies(registry, [id], profile, options.seedsByStudy?.[id] ?? seeds))
    : planStudies(registry, options.studies, profile, seeds);
  const cells = shardCells(planned, options.shard);
  assertWritable(options.outDir, 'the output folder (--out)');
  assertWritable(options.cacheDir, 'the cache folder');
  removeStaleTemporaries([options.outDir, options.cacheDir]);
  const executor = options.executor ?? defaultExecutor(options);
  const version = coreVersion();
  const commit = gitCommit(options.root);
  const resultsPath = join(options.outDir, 'results.jsonl');
  const ids = cells.map((c) => cellId(c.study.id, c.armId, c.seed));
  const outcomes = new Map<string, CellOutcome>();
  const statuses = new Map<string, CellStatus>();
  const needed = new Set(cells.filter((c) => c.arm.initFrom).map((c) => cellId(c.study.id, c.arm.initFrom!, c.seed)));
  // a cell that trains what an earlier cell trains (another study's identical arm) waits for it and
  // loads its checkpoint instead of training it a second time
  const trainer = new Map([...trainedWith(cells)].map(([c, first]) => [c, cellId(first.study.id, first.armId, first.seed)]));
  for (const id of trainer.values()) needed.add(id);
  const running = new Map<string, Promise<void>>();
  const prepare = preparer(options);
  const order = launchOrder(cells);
  // every model cell's data is made here, one at a time in launch order, while the workers start
  // and then while they compute: a cell of a later seed finds its streams ready instead of waiting
  // for them behind a busy worker (the preparer makes each tokenizer and stream once)
  for (const index of order) void prepare(cells[index]);
  const settled: Settled = { ...options, backend: await options.backend };

  const write = (): void => {
    writeResults(resultsPath, collectRecords(cells, ids, outcomes, settled, version, commit));
    const training: string[] = [];
    for (const [i, cell] of cells.entries()) {
      const record = outcomes.get(ids[i])?.result?.artifact.record;
      if (record) training.push(`${JSON.stringify({ study: cell.study.id, arm: cell.armId, seed: cell.seed, training: record })}\n`);
    }
    writeFileAtomic(join(options.outDir, 'training.jsonl'), training.join(''));
    const table = ids.filter((id) => statuses.has(id)).map((id) => roundTimes(statuses.get(id)!));
    writeFileAtomic(join(options.outDir, 'cells.json'), `${JSON.stringify(table, null, 2)}\n`);
  };

  const finish = (cell: PlannedCell, id: string, outcome: CellOutcome): void => {
    const label: CellLabel = { study: cell.study.id, arm: cell.armId, seed: cell.seed };
    for (const w of outcome.warnings) reporter.log(`${id}: ${w}`);
    const status: CellStatus = {
      ...label, status: outcome.status, evalKey: outcome.evalKey ?? '', wallSeconds: outcome.wallSeconds,
      ...(outcome.training ? { training: outcome.training } : {}),
      ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
      ...(outcome.failedAtStep !== undefined ? { failedAtStep: outcome.failedAtStep } : {}),
      ...(outcome.status === 'ok' && outcome.result ? {
        trainSeconds: outcome.result.trainSeconds, evalSeconds: outcome.result.evalSeconds,
        ...(outcome.result.evaluatorSeconds ? { evaluatorSeconds: outcome.result.evaluatorSeconds } : {}),
      } : {}),
    };
    outcomes.set(id, outcome);
    statuses.set(id, status);
    reporter.cellEnd(label, status);
    write();
  };

  const launch = (cell: PlannedCell, index: number, id: string, sourceTrainKey: string | undefined): void => {
    const label: CellLabel = { study: cell.study.id, arm: cell.armId, seed: cell.seed };
    reporter.cellStart(label, index, cells.length);
    const task: CellTask = {
      study: cell.study.id, arm: cell.armId, seed: cell.seed, seeds: options.seedsByStudy?.[cell.study.id] ?? seeds, sourceTrainKey, needCheckpoint: needed.has(id),
      injectNanAtStep: options.injectNan?.cell === cellId(cell.study.id, cell.armId, cell.seed) ? options.injectNan.step : undefined,
    };
    const cellReporter: CellReporter = { step: (p) => reporter.step(label, p), log: (m) => reporter.log(m) };
    const withHashes = (): CellTask => {
      const dataHashes = options.prepareData?.knownHashes?.();
      return dataHashes && Object.keys(dataHashes).length > 0 ? { ...task, dataHashes } : task;
    };
    running.set(id, prepare(cell).then(() => executor.run(withHashes(), cellReporter))
      .catch((error: unknown): CellOutcome => ({ status: 'failed', reason: (error as Error).message ?? String(error), warnings: [], wallSeconds: 0 }))
      .then((outcome) => {
        running.delete(id);
        finish(cell, id, outcome);
      }));
  };

  try {
    const pending = new Set(ids);
    while (pending.size > 0 || running.size > 0) {
      if (executor.stopping) pending.clear(); // unstarted cells stay unlisted, as in a run killed outright
      let launched = false;
      for (const index of order) {
        const cell = cells[index];
        const id = ids[index];
        if (!pending.has(id) || running.size >= executor.slots) continue;
        const sourceId = cell.arm.initFrom ? cellId(cell.study.id, cell.arm.initFrom, cell.seed) : undefined;
        const source = sourceId ? outcomes.get(sourceId) : undefined;
        if (sourceId && !source && (pending.has(sourceId) || running.has(sourceId))) continue; // wait for the source
        const twinId = trainer.get(cell);
        if (twinId && (pending.has(twinId) || running.has(twinId))) continue; // wait for the cell that trains it
        pending.delete(id);
        launched = true;
        if (sourceId && (!source || source.status === 'failed' || !source.trainKey)) {
          const label = { study: cell.study.id, arm: cell.armId, seed: cell.seed };
          const why = source ? 'failed' : 'is not part of this run';
          reporter.cellStart(label, index, cells.length);
          finish(cell, id, { status: 'failed', reason: `source ${sourceId.replace(/\/(\d+)$/, '/seed$1')} ${why}`, warnings: [], wallSeconds: 0 });
          continue;
        }
        launch(cell, index, id, source?.trainKey);
      }
      if (running.size > 0) await Promise.race(running.values());
      else if (!launched && pending.size > 0) throw new Error(`runner: no cell can start among ${[...pending].join(', ')}`);
    }
  } finally {
    if (!options.executor) await executor.close();
  }
  write();
  const records = collectRecords(cells, ids, outcomes, settled, version, commit);
  const list = ids.filter((id) => statuses.has(id)).map((id) => statuses.get(id)!);
  return { records, cells: list, failed: list.filter((s) => s.status === 'failed'), resultsPath };
}

function collectRecords(cells: readonly PlannedCell[], ids: readonly string[], outcomes: Map<string, CellOutcome>, options: Settled, version: string, commit: string): ResultRecord[] {
  const records: ResultRecord[] = [];
  for (const [i, cell] of cells.entries()) {
    const outcome = outcomes.get(ids[i]);
    if (!outcome?.result) continue;
    const provenance = provenanceOf(options, cell, outcome, version, commit);
    for (const m of outcome.result.metrics) records.push(toRecord(cell, m, provenance));
  }
  return records;
}

/**
 * Indices of the cells, the costliest first (longest processing time first: with several slots,
 * the short cells fill the gaps at the end instead of one long cell running alone). A cell's
 * priority includes the cells that start from it (initFrom, whole chains), so a source goes
 * before them. Results are
 * written in plan order whatever order cells run in.
 */
export function launchOrder(cells: readonly PlannedCell[]): number[] {
  const cost = cells.map((c) => {
    try {
      return c.estimate().cost;
    } catch {
      return 0; // no estimate: plan order decides
    }
  });
  const at = new Map(cells.map((c, i) => [cellId(c.study.id, c.armId, c.seed), i]));
  const priority = [...cost];
  // plans put a source before the arms converted from it: walking back adds chains whole
  for (let i = cells.length - 1; i >= 0; i--) {
    const c = cells[i];
    const source = c.arm.initFrom ? at.get(cellId(c.study.id, c.arm.initFrom, c.seed)) : undefined;
    if (source !== undefined) priority[source] += priority[i];
  }
  return cells.map((_, i) => i).sort((a, b) => priority[b] - priority[a] || a - b);
}

/** Once per tokenizer and per (tokenizer, seed) stream, whatever the number of cells asking; failures are left to the cell. */
function preparer(options: RunOptions): (cell: PlannedCell) => Promise<void> {
  if (!options.prepareData || !options.executor) return async () => {};
  const tokens = new TokenData(options.prepareData, new ContentStore(options.cacheDir), options.registry, options.profile, { log: (m) => options.reporter?.log(m) });
  const done = new Map<string, Promise<void>>();
  let queue: Promise<unknown> = Promise.resolve();
  return (cell) => {
    // only cells with a model: there the tokenizer and streams are a fixed cost short cells do not
    // amortise; a tokenizer study's cells are mostly training tokenizers, which workers do in parallel
    if (cell.arm.model === 'none') return Promise.resolve();
    const key = `${tokens.tokenizerKey(cell.arm)}|${cell.arm.mixture ?? 'default'}|${cell.arm.stepsFraction ?? 1}|${cell.seed}`;
    let job = done.get(key);
    if (!job) {
      // one at a time: this process has one core's worth of work to give while the workers run
      const label = `tokenizer '${cell.arm.tokenizer}' of ${cell.study.id}/${cell.armId}/seed${cell.seed}`;
      job = queue.then(() => withoutProcessExit(label, () => tokens.prepare(cell.arm, cell.seed))).catch(() => {}); // the cell reports it
      queue = job;
      done.set(key, job);
    }
    return job;
  };
}

function defaultExecutor(options: RunOptions): CellExecutor {
  if (!options.engine || !options.data) throw new Error('runStudies: give an executor, or an engine and a data provider for the in-process one.');
  const ctx = createCellContext({
    registry: options.registry, engine: options.engine, data: options.data, profile: options.profile,
    store: new ContentStore(options.cacheDir), codeEntries: options.codeEntries ?? [], log: (m) => options.reporter?.log(m),
    snapshotSeconds: options.snapshotSeconds,
  });
  return inlineExecutor(ctx);
}

function roundTimes(s: CellStatus): CellStatus {
  const r = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10) / 10);
  const { wallSeconds, trainSeconds, evalSeconds, evaluatorSeconds, ...rest } = s;
  return {
    ...rest, wallSeconds: r(wallSeconds)!,
    ...(trainSeconds !== undefined ? { trainSeconds: r(trainSeconds), evalSeconds: r(evalSeconds) } : {}),
    ...(evaluatorSeconds ? { evaluatorSeconds: Object.fromEntries(Object.entries(evaluatorSeconds).map(([k, v]) => [k, r(v)!])) } : {}),
  };
}

// A folder with less room than this cannot hold a run's results and checkpoints.
const MIN_FREE_BYTES = 20 * 1024 * 1024;

/** Fails before any training when a folder cannot be created or written, or is (nearly) full. */
export function assertWritable(dir: string, what: string): void {
  const fix = `Choose another folder, or free space / fix permissions on ${dir}.`;
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.labbench-write-probe.${process.pid}.tmp`);
    writeFileSync(probe, 'probe');
    rmSync(probe, { force: true });
  } catch (error) {
    throw new ConfigError(what, `cannot write to ${dir}: ${(error as Error).message.split('\n')[0]}.`, fix);
  }
  let free = Number.POSITIVE_INFINITY;
  try {
    const stats = statfsSync(dir);
    free = Number(stats.bavail) * Number(stats.bsize);
  } catch {
    // statfs unsupported here: the write probe is all we can check
  }
  if (free < MIN_FREE_BYTES) {
    throw new ConfigError(what, `${dir} has only ${(free / 1024 / 1024).toFixed(1)} MiB free; a run needs at least ${MIN_FREE_BYTES / 1024 / 1024} MiB.`, fix);
  }
}

/** Temporary files of writes killed mid-way (`.<name>.<pid>.<time>.tmp`) whose process is gone. */
export function removeStaleTemporaries(dirs: readonly string[]): number {
  let removed = 0;
  const visit = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const m = /^\..+\.(\d+)\.\d+\.tmp$/.exec(name);
      if (m && !alive(Number(m[1]))) {
        rmSync(path, { force: true });
        removed++;
      } else if (depth > 0 && !name.includes('.')) visit(path, depth - 1);
    }
  };
  for (const dir of dirs) visit(dir, 2);
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function provenanceOf(options: Settled, cell: PlannedCell, outcome: CellOutcome, version: string, commit: string): Provenance {
  const result = outcome.result as EvalArtifact;
  const { artifact } = result;
  const hasModel = cell.arm.model !== 'none';
  const backend: BackendInfo = options.backend ?? options.engine?.backend ?? { name: 'cpu', nativeKernels: false };
  return {
    cellKey: outcome.evalKey ?? '',
    configHash: outcome.trainKey ?? '',
    paramsTotal: artifact.params.total,
    paramsActive: artifact.params.active,
    flopsPerTokenTrain: artifact.flops.train,
    flopsPerTokenInference: artifact.flops.inference,
    tokens: artifact.tokens,
    backend: hasModel ? backend.name : 'none',
    nativeKernels: hasModel && backend.nativeKernels,
    labbenchVersion: version,
    plugins: componentVersions(options.registry, cell, true),
    gitCommit: commit,
    date: result.date,
    profile: options.profile.name,
    wallSeconds: Math.round(result.wallSeconds * 100) / 100,
  };
}

function toRecord(cell: PlannedCell, m: MetricRecord, provenance: Provenance): ResultRecord {
  return {
    schema: 'labbench.result/v1',
    study: cell.study.id,
    studyVersion: cell.study.version,
    arm: cell.armId,
    seed: cell.seed,
    board: m.board,
    metric: m.metric,
    value: m.value,
    ...(m.stderr !== undefined && Number.isFinite(m.stderr) ? { stderr: m.stderr } : {}),
    direction: m.direction,
    n: Math.round(m.n),
    ...(m.details ? { details: m.details } : {}),
    provenance,
  };
}
