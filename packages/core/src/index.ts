/**
 * @labbench/core: the contracts every plugin implements, the registry that discovers plugins,
 * schemas and validators, the runner, results and leaderboards. Core never imports a plugin or
 * any TensorFlow.js runtime code (types only).
 */
export * from './contracts/index.js';
export { LabbenchError, ConfigError, DataError, ContractError, RegistryError, suggest, editDistance } from './errors.js';
export { canonicalJson, sha256, hashJson } from './hash.js';
export { writeFileAtomic } from './atomic.js';
export { summarize, standardError, tCritical95, auroc, bitsPerByte } from './stats.js';
export type { Summary } from './stats.js';
export { Rng, deriveSeed } from './random.js';
export { studySchema, suiteSchema, resultRecordSchema, check, assertValid, describeErrors } from './schemas.js';
export type { SchemaName } from './schemas.js';
export { replicationSchema, VERDICTS } from './schemas/replication.js';
export type { ReplicationEntry, ReplicationFile, GateResult, SequentialRecord, Verdict, EffectTest } from './schemas/replication.js';
export { PROFILES, getProfile, trainTokens } from './profiles.js';
export type { Profile, ProfileName, BaseModelSize } from './profiles.js';
export { Registry, discoverPlugins } from './registry.js';
export type { DiscoveredPlugin, PluginOrigin, ComponentKind } from './registry.js';
export { ContentStore } from './cache.js';
export { TrainingFault } from './engine.js';
export type { BackendName, BackendInfo, TrainingBudget, StepProgress, TrainRequest, TrainedCell, TrainingEngine } from './engine.js';
export { planStudies, shardCells, evaluatorUses } from './plan.js';
export type { PlannedCell } from './plan.js';
export { runStudies } from './runner.js';
export type { RunOptions, RunSummary, RunReporter, CellLabel, CellStatus } from './runner.js';
export { encodeDocuments } from './token-data.js';
export { writeResults, readResults, validateResultsText } from './results.js';
export type { ResultRecord, Provenance, RecordProblem } from './results.js';
export { buildBoard, boardCsv, writeLeaderboards, formatNumber, safeText } from './leaderboard.js';
export type { LeaderboardRow, MetricCell } from './leaderboard.js';
export { kendallTau } from './rank.js';
export { accuracyAt, bestThreshold, tprAtFpr, bootstrapCi, aurocOf } from './detection-metrics.js';
export type { BootstrapInterval } from './detection-metrics.js';
export type { TrainingStart, TrainingPhase, TrainingPlan } from './contracts/model.js';
export { applyStudySummary, applyStudySummaries } from './study-summary.js';
export type { StudySummary } from './study-summary.js';
export { frequencyBuckets, DEFAULT_FREQUENCY_SHARES } from './frequency.js';
