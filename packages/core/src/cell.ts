import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EvalSubject, MetricRecord, TrainingRecord } from './contracts/evaluator.js';
import type { DataProvider } from './contracts/data.js';
import type { LanguageModel } from './contracts/model.js';
import type { TrainedTokenizer } from './contracts/tokenizer.js';
import type { ContentStore } from './cache.js';
import { CodeHasher } from './code-hash.js';
import type { StepProgress, TrainingEngine, TrainingSnapshots } from './engine.js';
import { TrainingFault, TrainingStopped } from './engine.js';
import { hashJson } from './hash.js';
import { checkMetrics } from './metric-check.js';
import type { PlannedCell } from './plan.js';
import { planStudies } from './plan.js';
import { budgetOf, canonicalArm, modelConfigOf } from './training-identity.js';
import type { Profile } from './profiles.js';
import { trainTokens } from './profiles.js';
import { withoutProcessExit, type Registry } from './registry.js';
import { TokenData } from './token-data.js';

/** One cell to compute: an arm of a study at a seed. Plain data, so it can cross to a worker process. */
export interface CellTask {
  readonly study: string;
  readonly arm: string;
  readonly seed: number;
  /** Seeds of the run (planning the study again in a worker needs it). */
  readonly seeds: number;
  /** Train key of the cell this arm converts (`initFrom`); set by the scheduler once that cell finished. */
  readonly sourceTrainKey?: string;
  /** A later cell converts this one: keep its checkpoint even when the evaluation is cached. */
  readonly needCheckpoint: boolean;
  /** Reliability tests: make the loss NaN from this step on. */
  readonly injectNanAtStep?: number;
  /** Training-text hashes the scheduling process already computed (DataProvider.knownHashes). */
  readonly dataHashes?: Readonly<Record<string, string>>;
}

export interface TrainedArtifact {
  readonly record: TrainingRecord | null;
  readonly params: { total: number; active: number };
  readonly flops: { train: number; inference: number };
  readonly tokens: number;
}

/** What a cell produced, cached under its evaluation key. */
export interface EvalArtifact {
  readonly metrics: MetricRecord[];
  readonly artifact: TrainedArtifact;
  readonly wallSeconds: number;
  readonly trainSeconds?: number;
  readonly evalSeconds?: number;
  /** Seconds per evaluator (the evaluation's profile: which evaluator to make cheaper). */
  readonly evaluatorSeconds?: Readonly<Record<string, number>>;
  readonly date: string;
}

export interface CellOutcome {
  readonly status: 'ok' | 'cached' | 'failed';
  /** How the model was obtained when the cell was computed: trained now, or loaded from the cache. */
  readonly training?: 'trained' | 'loaded';
  readonly trainKey?: string;
  readonly evalKey?: string;
  readonly result?: EvalArtifact;
  readonly reason?: string;
  readonly failedAtStep?: number;
  /** Problems that did not fail the cell (e.g. the cache could not be written). */
  readonly warnings: readonly string[];
  readonly wallSeconds: number;
}

export interface CellReporter {
  step(progress: StepProgress): void;
  log(message: string): void;
}

/** Everything a process needs to compute cells; built once per process. */
export interface CellContext {
  readonly registry: Registry;
  readonly engine: TrainingEngine;
  readonly data: DataProvider;
  readonly profile: Profile;
  readonly store: ContentStore;
  readonly tokens: TokenData;
  readonly code: CodeHasher;
  /** Entry modules of the engine (tensor) and the data provider (corpora): on every cell's code path. */
  readonly codeEntries: readonly string[];
  /** Wall seconds of training between resumable snapshots (default DEFAULT_SNAPSHOT_SECONDS; 0: none). */
  readonly snapshotSeconds?: number;
  /** True once the run is stopping: a training in progress saves its snapshot and ends (TrainingSnapshots.stopRequested). */
  readonly stopRequested?: () => boolean;
}

/**
 * Ten minutes: a killed campaign cell (15-50 minutes of training) loses at most that much, and the
 * snapshot (weights and two moments, a few MB at the campaign size) costs well under a second.
 */
export const DEFAULT_SNAPSHOT_SECONDS = 600;

export function createCellContext(options: {
  registry: Registry; engine: TrainingEngine; data: DataProvider; profile: Profile; store: ContentStore;
  codeEntries: readonly string[]; log?: (message: string) => void; snapshotSeconds?: number; stopRequested?: () => boolean;
}): CellContext {
  const tokens = new TokenData(options.data, options.store, options.registry, options.profile, { log: options.log ?? (() => {}) });
  return { ...options, tokens, code: new CodeHasher() };
}

/** This module and what it imports (token streams, cache, keys): on every cell's path. */
const SELF = fileURLToPath(import.meta.url);

export { budgetOf, modelConfigOf } from './training-identity.js';

export function componentVersions(registry: Registry, cell: PlannedCell, withEvaluators: boolean): Record<string, string> {
  const out: Record<string, string> = {
    [`tokenizer:${cell.arm.tokenizer}`]: registry.versionOf('tokenizer', cell.arm.tokenizer),
    [`loss:${cell.arm.loss}`]: registry.versionOf('loss', cell.arm.loss),
  };
  if (cell.arm.model !== 'none') out[`model:${cell.arm.model}`] = registry.versionOf('model', cell.arm.model);
  if (withEvaluators) {
    for (const e of cell.evaluators) out[`evaluator:${e.id}`] = registry.versionOf('evaluator', e.id);
    out[`study:${cell.study.id}`] = `${registry.versionOf('study', cell.study.id)}#v${cell.study.version}`;
  }
  return out;
}

/** Hashes of the code on a cell's training path and on its evaluation path. */
export function codeHashes(ctx: CellContext, cell: PlannedCell): { train: string; eval: string } {
  const { registry } = ctx;
  const trainEntries = [SELF, ...ctx.codeEntries, registry.entryOf('tokenizer', cell.arm.tokenizer), registry.entryOf('loss', cell.arm.loss)];
  if (cell.arm.model !== 'none') trainEntries.push(registry.entryOf('model', cell.arm.model));
  const evalEntries = [SELF, ...ctx.codeEntries, ...cell.evaluators.map((e) => registry.entryOf('evaluator', e.id))];
  return { train: ctx.code.closureHash(trainEntries), eval: ctx.code.closureHash(evalEntries) };
}

/** Finds a task's cell by planning its study again (plans are deterministic). */
export function plannedCell(ctx: CellContext, study: string, arm: string, seed: number, seeds: number): PlannedCell {
  const cell = planStudies(ctx.registry, [study], ctx.profile, seeds).find((c) => c.armId === arm && c.seed === seed);
  if (!cell) throw new Error(`cell ${study}/${arm}/seed${seed} is not in the plan of profile ${ctx.profile.name}.`);
  return cell;
}

/** The cell's keys: training (config, data, tokenizer, seed, budget, backend, code) and evaluation. */
export async function cellKeys(ctx: CellContext, cell: PlannedCell, sourceTrainKey: string | undefined): Promise<{ trainKey: string; evalKey: string }> {
  const { profile, registry, engine, tokens } = ctx;
  const { arm } = cell;
  const code = codeHashes(ctx, cell);
  const trainKey = hashJson({
    arm: canonicalArm(registry, profile, arm, sourceTrainKey ?? null),
    plugins: componentVersions(registry, cell, false), code: code.train,
    dataHash: await tokens.dataHash(arm, cell.seed), tokenizer: tokens.tokenizerKey(arm), seed: cell.seed,
    budget: budgetOf(profile, arm), backend: engine.backend,
  });
  const evalKey = hashJson({ trainKey, evaluators: cell.evaluators, plugins: componentVersions(registry, cell, true), code: code.eval, limits: profile.eval });
  return { trainKey, evalKey };
}

/**
 * Computes one cell: its keys, then the cached evaluation, or training (or a cached checkpoint)
 * and evaluation. Plugin code runs with `process.exit` disabled; every metric is checked. Cache
 * writes that fail (a full disk) are warnings: the cell's results are still reported.
 */
export async function executeCell(ctx: CellContext, task: CellTask, reporter: CellReporter): Promise<CellOutcome> {
  const started = performance.now();
  const warnings: string[] = [];
  const elapsed = () => (performance.now() - started) / 1000;
  let keys: { trainKey: string; evalKey: string } | undefined;
  try {
    if (task.dataHashes) ctx.data.adoptHashes?.(task.dataHashes);
    const cell = plannedCell(ctx, task.study, task.arm, task.seed, task.seeds);
    if (cell.arm.initFrom && !task.sourceTrainKey) throw new Error(`source ${task.study}/${cell.arm.initFrom}/${task.seed} has no trained model.`);
    const label = `${cell.study.id}/${cell.armId}/seed${cell.seed}`;
    keys = await withoutProcessExit(`tokenizer '${cell.arm.tokenizer}' of ${label}`, () => cellKeys(ctx, cell, task.sourceTrainKey));
    const { trainKey, evalKey } = keys;
    const cached = ctx.store.get<EvalArtifact>('evals', evalKey);
    const checkpointReady = cell.arm.model === 'none' || (existsSync(ctx.store.path('checkpoints', trainKey, 'ckpt')) && ctx.store.get('trained', trainKey) !== undefined);
    if (cached && (!task.needCheckpoint || checkpointReady)) {
      return { status: 'cached', trainKey, evalKey, result: cached, warnings, wallSeconds: elapsed() };
    }
    const tokenizer = await ctx.tokens.tokenizer(cell.arm);
    const source = task.sourceTrainKey ? await loadSource(ctx, cell, task.sourceTrainKey) : undefined;
    let trained: Awaited<ReturnType<typeof trainOrLoad>>;
    try {
      trained = await withoutProcessExit(`model '${cell.arm.model}' of ${label}`, () => trainOrLoad(ctx, cell, tokenizer, trainKey, source, task.injectNanAtStep, reporter, warnings));
    } finally {
      source?.dispose();
    }
    const trainSeconds = elapsed();
    try {
      const evaluatorSeconds: Record<string, number> = {};
      const metrics = cached?.metrics ?? await evaluate(ctx, cell, tokenizer, trained.model, trained.artifact.record, reporter, trained.tokenCounts, evaluatorSeconds);
      const total = elapsed();
      const result: EvalArtifact = {
        metrics, artifact: trained.artifact, wallSeconds: total, trainSeconds, evalSeconds: total - trainSeconds,
        ...(cached ? {} : { evaluatorSeconds }), date: new Date().toISOString(),
      };
      tryCache(() => ctx.store.put('evals', evalKey, result), `evaluation ${evalKey.slice(0, 12)}`, warnings);
      return { status: 'ok', training: cell.arm.model === 'none' ? undefined : trained.loaded ? 'loaded' : 'trained', trainKey, evalKey, result, warnings, wallSeconds: total };
    } finally {
      trained.model?.dispose();
    }
  } catch (error) {
    const fault = error instanceof TrainingFault || error instanceof TrainingStopped ? error : undefined;
    return { status: 'failed', ...keys, reason: (error as Error).message ?? String(error), failedAtStep: fault?.step, warnings, wallSeconds: elapsed() };
  }
}

/** The first line of an error's message, for a one-line warning. */
function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/** Writes a cache entry; a failure is a warning (the result is still reported). True when written. */
function tryCache(write: () => void, what: string, warnings: string[]): boolean {
  try {
    write();
    return true;
  } catch (error) {
    warnings.push(`could not cache ${what} (${firstLine(error)}); the result is reported but will be recomputed next run.`);
    return false;
  }
}

/** The trained model of the cell this arm converts, from its checkpoint. */
async function loadSource(ctx: CellContext, cell: PlannedCell, sourceTrainKey: string): Promise<LanguageModel> {
  const from = cell.arm.initFrom!;
  const sourceCell = plannedCell(ctx, cell.study.id, from, cell.seed, cell.seed + 1);
  const path = ctx.store.path('checkpoints', sourceTrainKey, 'ckpt');
  if (!existsSync(path)) throw new Error(`source ${cell.study.id}/${from}/seed${cell.seed} has no checkpoint (${sourceTrainKey.slice(0, 12)}); rerun to retrain it.`);
  const tokenizer = await ctx.tokens.tokenizer(sourceCell.arm);
  const stream = await ctx.tokens.streams(sourceCell.arm, cell.seed);
  const context = { vocabSize: tokenizer.vocabSize, seqLen: ctx.profile.seqLen, seed: cell.seed, tokenCounts: stream.counts };
  return ctx.engine.loadCheckpoint(ctx.registry.get('model', sourceCell.arm.model), modelConfigOf(ctx.profile, sourceCell.arm), context, path);
}

async function trainOrLoad(
  ctx: CellContext, cell: PlannedCell, tokenizer: TrainedTokenizer, trainKey: string, initFrom: LanguageModel | undefined,
  faultStep: number | undefined, reporter: CellReporter, warnings: string[],
): Promise<{ model?: LanguageModel; artifact: TrainedArtifact; tokenCounts?: Float64Array; loaded?: boolean }> {
  const { arm } = cell;
  if (arm.model === 'none') {
    return { artifact: { record: null, params: { total: 0, active: 0 }, flops: { train: 0, inference: 0 }, tokens: 0 } };
  }
  const { registry, engine, profile, store } = ctx;
  const factory = registry.get('model', arm.model);
  const stream = await ctx.tokens.streams(arm, cell.seed);
  const checkpoint = store.path('checkpoints', trainKey, 'ckpt');
  const saved = store.get<TrainedArtifact>('trained', trainKey);
  const context = { vocabSize: tokenizer.vocabSize, seqLen: profile.seqLen, seed: cell.seed, tokenCounts: stream.counts };
  if (saved && existsSync(checkpoint)) {
    try {
      return { model: engine.loadCheckpoint(factory, modelConfigOf(profile, arm), context, checkpoint), artifact: saved, tokenCounts: stream.counts, loaded: true };
    } catch (error) {
      reporter.log(`checkpoint ${trainKey.slice(0, 12)} unusable (${(error as Error).message}); retraining.`);
    }
  }
  const trained = await engine.train({
    model: factory, modelConfig: modelConfigOf(profile, arm), loss: registry.get('loss', arm.loss), lossConfig: arm.lossConfig ?? {},
    tokenizer, trainTokens: stream.train, validTokens: stream.valid, oodTokens: stream.ood, tokenCounts: stream.counts,
    budget: budgetOf(profile, arm), seed: cell.seed, initFrom, injectNanAtStep: faultStep,
    snapshots: trainingSnapshots(ctx, trainKey, reporter, warnings),
    onProgress: (p) => reporter.step(p),
  });
  const artifact: TrainedArtifact = { record: trained.record, params: trained.model.params(), flops: trained.model.flopsPerToken(), tokens: trained.record.tokens };
  const kept = tryCache(() => engine.saveCheckpoint(trained.model, checkpoint), `checkpoint ${trainKey.slice(0, 12)}`, warnings)
    && tryCache(() => store.put('trained', trainKey, artifact), `trained cell ${trainKey.slice(0, 12)}`, warnings);
  if (kept) removeSnapshot(ctx, trainKey, warnings); // the checkpoint supersedes it; without one, a rerun still resumes late
  return { model: trained.model, artifact, tokenCounts: stream.counts };
}

const SNAPSHOTS = 'snapshots';

/**
 * A training's snapshots in the store, under its training key (which covers code, data,
 * configuration, seed, budget and backend, so only the same training ever resumes from one).
 */
function trainingSnapshots(ctx: CellContext, trainKey: string, reporter: CellReporter, warnings: string[]): TrainingSnapshots | undefined {
  const everySeconds = ctx.snapshotSeconds ?? DEFAULT_SNAPSHOT_SECONDS;
  if (!(everySeconds > 0)) return undefined;
  const id = trainKey.slice(0, 12);
  let failed = false;
  return {
    everySeconds,
    load: () => {
      const bytes = ctx.store.getBytes(SNAPSHOTS, trainKey);
      if (bytes) reporter.log(`training ${id}: resuming from its last snapshot.`);
      return bytes;
    },
    save: (encode) => {
      try {
        ctx.store.putBytes(SNAPSHOTS, trainKey, encode());
      } catch (error) {
        if (!failed) warnings.push(`could not save a training snapshot of ${id} (${firstLine(error)}); a stopped run would retrain it from step 1.`);
        failed = true;
      }
    },
    ...(ctx.stopRequested ? { stopRequested: ctx.stopRequested } : {}),
    discard: (why, outcome) => {
      reporter.log(`training ${id}: its snapshot cannot be used (${why}); ${outcome === 'restart' ? 'training from step 1' : 'the cell fails, and a rerun trains from step 1'}.`);
      removeSnapshot(ctx, trainKey, warnings);
    },
  };
}

function removeSnapshot(ctx: CellContext, trainKey: string, warnings: string[]): void {
  try {
    rmSync(ctx.store.path(SNAPSHOTS, trainKey, 'bin'), { force: true });
  } catch (error) {
    warnings.push(`could not remove the training snapshot of ${trainKey.slice(0, 12)} (${firstLine(error)}); remove it by hand.`);
  }
}

async function evaluate(
  ctx: CellContext, cell: PlannedCell, tokenizer: TrainedTokenizer, model: LanguageModel | undefined,
  record: TrainingRecord | null, reporter: CellReporter, tokenCounts?: Float64Array,
  seconds: Record<string, number> = {},
): Promise<MetricRecord[]> {
  const { registry, engine, profile, data } = ctx;
  const subject: EvalSubject = {
    tokenizer,
    model,
    scorer: model && model.kind === 'causal' ? engine.scorer(model, tokenizer, profile.batchSize) : undefined,
    training: record ?? undefined,
    tokenCounts,
    trainTokens: async () => (await ctx.tokens.streams(cell.arm, cell.seed)).train,
    budgetTokens: trainTokens(profile, cell.arm.stepsFraction ?? 1),
  };
  const metrics: MetricRecord[] = [];
  for (const use of cell.evaluators) {
    const { item: evaluator, origin } = registry.entry('evaluator', use.id);
    const fits = evaluator.requires === 'any' || evaluator.requires === 'tokenizer' || (model !== undefined && evaluator.requires === model.kind);
    if (!fits) continue;
    const where = `evaluator '${use.id}' (${origin.packageName}) on ${cell.study.id}/${cell.armId}/seed${cell.seed}`;
    const started = performance.now();
    const out = await withoutProcessExit(where, () => evaluator.evaluate(subject, {
      seed: cell.seed, limits: profile.eval, data: data.evalData(profile.eval), options: use.options ?? {},
      log: (m) => reporter.log(`${use.id}: ${m}`),
    }));
    seconds[use.id] = (seconds[use.id] ?? 0) + (performance.now() - started) / 1000;
    checkMetrics(out, where, new Set(registry.boards().map((b) => b.id)));
    metrics.push(...out);
  }
  return metrics;
}
