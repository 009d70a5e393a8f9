import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalSubject, MetricRecord, TrainingRecord } from './contracts/evaluator.js';
import type { DataProvider } from './contracts/data.js';
import type { LanguageModel } from './contracts/model.js';
import type { TrainedTokenizer } from './contracts/tokenizer.js';
import { ContentStore } from './cache.js';
import type { StepProgress, TrainingEngine } from './engine.js';
import { TrainingFault } from './engine.js';
import { writeFileAtomic } from './atomic.js';
import { hashJson } from './hash.js';
import type { PlannedCell } from './plan.js';
import { planStudies, shardCells } from './plan.js';
import type { Profile } from './profiles.js';
import type { Registry } from './registry.js';
import type { Provenance, ResultRecord } from './results.js';
import { writeResults } from './results.js';
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
  readonly evalKey: string;
  readonly reason?: string;
  readonly failedAtStep?: number;
  readonly wallSeconds: number;
}

export interface RunOptions {
  readonly root: string;
  readonly registry: Registry;
  readonly engine: TrainingEngine;
  readonly data: DataProvider;
  readonly profile: Profile;
  readonly studies: readonly string[];
  readonly seeds?: number;
  readonly outDir: string;
  readonly cacheDir: string;
  readonly shard?: { index: number; count: number };
  readonly reporter?: RunReporter;
  /** Reliability tests: make one cell's loss NaN at a step (`study/arm/seed`). */
  readonly injectNan?: { cell: string; step: number };
}

export interface RunSummary {
  readonly records: ResultRecord[];
  readonly cells: CellStatus[];
  readonly failed: CellStatus[];
  readonly resultsPath: string;
}

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

interface TrainedArtifact {
  readonly record: TrainingRecord | null;
  readonly params: { total: number; active: number };
  readonly flops: { train: number; inference: number };
  readonly tokens: number;
}

interface EvalArtifact {
  readonly metrics: MetricRecord[];
  readonly artifact: TrainedArtifact;
  readonly wallSeconds: number;
  readonly date: string;
}

/**
 * Runs studies: plans every cell (failing on bad input before anything is written), then trains
 * and evaluates each cell or takes it from the cache. results.jsonl is rewritten atomically after
 * every cell, so a crash loses at most the cell in progress and a rerun resumes from the cache.
 */
export async function runStudies(options: RunOptions): Promise<RunSummary> {
  const { registry, engine, data, profile } = options;
  const reporter = options.reporter ?? silent;
  const seeds = options.seeds ?? profile.seeds;
  const cells = shardCells(planStudies(registry, options.studies, profile, seeds), options.shard);
  const store = new ContentStore(options.cacheDir);
  const tokens = new TokenData(data, store, registry, profile, reporter);
  const version = coreVersion();
  const commit = gitCommit(options.root);
  const resultsPath = join(options.outDir, 'results.jsonl');
  const records: ResultRecord[] = [];
  const trainingLines: string[] = []; // training curves and model stats per cell, for plots
  const statuses: CellStatus[] = [];
  const models = new Map<string, LanguageModel>(); // trained models other arms convert, by train key
  const trainKeys = new Map<string, string>(); // `${study}/${arm}/${seed}` -> train key

  for (const [index, cell] of cells.entries()) {
    const label: CellLabel = { study: cell.study.id, arm: cell.armId, seed: cell.seed };
    reporter.cellStart(label, index, cells.length);
    const started = performance.now();
    const { arm } = cell;
    let status: CellStatus;
    try {
      const tokenizer = await tokens.tokenizer(arm);
      const dataHash = await tokens.dataHash(arm, cell.seed);
      const initKey = arm.initFrom ? trainKeys.get(`${cell.study.id}/${arm.initFrom}/${cell.seed}`) : undefined;
      const trainKey = hashJson({
        arm: { ...arm, modelConfig: modelConfigOf(profile, arm), initFrom: initKey ?? null },
        plugins: componentVersions(registry, cell, false),
        dataHash, tokenizer: tokens.tokenizerKey(arm), seed: cell.seed,
        budget: budgetOf(profile, arm), backend: engine.backend,
      });
      trainKeys.set(`${cell.study.id}/${cell.armId}/${cell.seed}`, trainKey);
      const evalKey = hashJson({ trainKey, evaluators: cell.evaluators, plugins: componentVersions(registry, cell, true), limits: profile.eval });
      const cached = store.get<EvalArtifact>('evals', evalKey);
      const needModel = cells.slice(index + 1).some((c) => c.arm.initFrom === cell.armId && c.study === cell.study && c.seed === cell.seed);
      let result: EvalArtifact;
      if (cached && !needModel) {
        result = cached;
        status = { ...label, status: 'cached', evalKey, wallSeconds: cached.wallSeconds };
      } else {
        const initFrom = arm.initFrom && initKey ? models.get(initKey) : undefined;
        const faultStep = options.injectNan?.cell === `${label.study}/${label.arm}/${label.seed}` ? options.injectNan.step : undefined;
        const trained = await trainOrLoad(options, store, tokens, cell, tokenizer, trainKey, initFrom, faultStep, reporter, label);
        if (needModel && trained.model) models.set(trainKey, trained.model);
        const metrics = cached?.metrics ?? await evaluate(options, cell, tokenizer, trained.model, trained.artifact.record, reporter, trained.tokenCounts);
        if (trained.model && !needModel) trained.model.dispose();
        result = { metrics, artifact: trained.artifact, wallSeconds: (performance.now() - started) / 1000, date: new Date().toISOString() };
        store.put('evals', evalKey, result);
        status = { ...label, status: 'ok', evalKey, wallSeconds: result.wallSeconds };
      }
      const provenance = provenanceOf(options, cell, result, evalKey, trainKey, version, commit);
      for (const m of result.metrics) records.push(toRecord(cell, m, provenance));
      if (result.artifact.record) trainingLines.push(JSON.stringify({ study: label.study, arm: label.arm, seed: label.seed, training: result.artifact.record }));
    } catch (error) {
      if (!(error instanceof TrainingFault) && (error as { exitCode?: number }).exitCode === 2) throw error;
      const fault = error instanceof TrainingFault ? error : undefined;
      status = { ...label, status: 'failed', evalKey: '', reason: (error as Error).message, failedAtStep: fault?.step, wallSeconds: (performance.now() - started) / 1000 };
    }
    statuses.push(status);
    reporter.cellEnd(label, status);
    writeResults(resultsPath, records);
    writeFileAtomic(join(options.outDir, 'training.jsonl'), trainingLines.map((l) => `${l}\n`).join(''));
    writeFileAtomic(join(options.outDir, 'cells.json'), JSON.stringify(statuses.map(({ wallSeconds, ...s }) => ({ ...s, wallSeconds: Math.round(wallSeconds * 10) / 10 })), null, 2) + '\n');
  }
  for (const model of models.values()) model.dispose();
  return { records, cells: statuses, failed: statuses.filter((s) => s.status === 'failed'), resultsPath };
}

/** The profile's base model size, overridden by the arm's own model config. */
function modelConfigOf(profile: Profile, arm: PlannedCell['arm']): Record<string, unknown> {
  return { ...profile.model, ...(arm.modelConfig ?? {}) };
}

function budgetOf(profile: Profile, arm: PlannedCell['arm']) {
  return {
    steps: Math.max(1, Math.round(profile.steps * (arm.stepsFraction ?? 1))),
    batchSize: profile.batchSize,
    seqLen: profile.seqLen,
    learningRate: arm.train?.learningRate ?? profile.learningRate,
    warmupSteps: arm.train?.warmupSteps ?? profile.warmupSteps,
    weightDecay: arm.train?.weightDecay ?? profile.weightDecay,
    checkpoints: Math.min(arm.train?.checkpoints ?? profile.checkpoints, Math.max(1, Math.round(profile.steps * (arm.stepsFraction ?? 1)))),
  };
}

function componentVersions(registry: Registry, cell: PlannedCell, withEvaluators: boolean): Record<string, string> {
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

async function trainOrLoad(
  options: RunOptions, store: ContentStore, tokens: TokenData, cell: PlannedCell, tokenizer: TrainedTokenizer,
  trainKey: string, initFrom: LanguageModel | undefined, faultStep: number | undefined, reporter: RunReporter, label: CellLabel,
): Promise<{ model?: LanguageModel; artifact: TrainedArtifact; tokenCounts?: Float64Array }> {
  const { arm } = cell;
  if (arm.model === 'none') {
    return { artifact: { record: null, params: { total: 0, active: 0 }, flops: { train: 0, inference: 0 }, tokens: 0 } };
  }
  const { registry, engine, profile } = options;
  const factory = registry.get('model', arm.model);
  const stream = await tokens.streams(arm, cell.seed);
  const checkpoint = store.path('checkpoints', trainKey, 'ckpt');
  const saved = store.get<TrainedArtifact>('trained', trainKey);
  const context = { vocabSize: tokenizer.vocabSize, seqLen: profile.seqLen, seed: cell.seed, tokenCounts: stream.counts };
  if (saved && existsSync(checkpoint)) {
    try {
      return { model: engine.loadCheckpoint(factory, modelConfigOf(profile, arm), context, checkpoint), artifact: saved, tokenCounts: stream.counts };
    } catch (error) {
      reporter.log(`checkpoint ${trainKey.slice(0, 12)} unusable (${(error as Error).message}); retraining.`);
    }
  }
  const trained = await engine.train({
    model: factory, modelConfig: modelConfigOf(profile, arm), loss: registry.get('loss', arm.loss), lossConfig: arm.lossConfig ?? {},
    tokenizer, trainTokens: stream.train, validTokens: stream.valid, oodTokens: stream.ood, tokenCounts: stream.counts,
    budget: budgetOf(profile, arm), seed: cell.seed, initFrom, injectNanAtStep: faultStep,
    onProgress: (p) => reporter.step(label, p),
  });
  const artifact: TrainedArtifact = { record: trained.record, params: trained.model.params(), flops: trained.model.flopsPerToken(), tokens: trained.record.tokens };
  engine.saveCheckpoint(trained.model, checkpoint);
  store.put('trained', trainKey, artifact);
  return { model: trained.model, artifact, tokenCounts: stream.counts };
}

async function evaluate(
  options: RunOptions, cell: PlannedCell, tokenizer: TrainedTokenizer, model: LanguageModel | undefined,
  record: TrainingRecord | null, reporter: RunReporter, tokenCounts?: Float64Array,
): Promise<MetricRecord[]> {
  const { registry, engine, profile, data } = options;
  const subject: EvalSubject = {
    tokenizer,
    model,
    scorer: model && model.kind === 'causal' ? engine.scorer(model, tokenizer, profile.batchSize) : undefined,
    training: record ?? undefined,
    tokenCounts,
  };
  const metrics: MetricRecord[] = [];
  for (const use of cell.evaluators) {
    const evaluator = registry.get('evaluator', use.id);
    const fits = evaluator.requires === 'any' || evaluator.requires === 'tokenizer' || (model !== undefined && evaluator.requires === model.kind);
    if (!fits) continue;
    const out = await evaluator.evaluate(subject, {
      seed: cell.seed, limits: profile.eval, data: data.evalData(profile.eval), options: use.options ?? {},
      log: (m) => reporter.log(`${use.id}: ${m}`),
    });
    metrics.push(...out.filter((m) => Number.isFinite(m.value)));
  }
  return metrics;
}

function provenanceOf(options: RunOptions, cell: PlannedCell, result: EvalArtifact, evalKey: string, trainKey: string, version: string, commit: string): Provenance {
  const { artifact } = result;
  const hasModel = cell.arm.model !== 'none';
  return {
    cellKey: evalKey,
    configHash: trainKey,
    paramsTotal: artifact.params.total,
    paramsActive: artifact.params.active,
    flopsPerTokenTrain: artifact.flops.train,
    flopsPerTokenInference: artifact.flops.inference,
    tokens: artifact.tokens,
    backend: hasModel ? options.engine.backend.name : 'none',
    nativeKernels: hasModel && options.engine.backend.nativeKernels,
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
