/**
 * @labbench/core: the contracts every plugin implements, the registry that discovers plugins,
 * schemas and validators, the runner, results and leaderboards. Core never imports a plugin or
 * any TensorFlow.js runtime code (types only).
 */
export * from './contracts/index.js';
export { LabbenchError, ConfigError, DataError, ContractError, RegistryError, suggest, editDistance } from './errors.js';
export { canonicalJson, sha256, hashJson } from './hash.js';
export { writeFileAtomic } from './atomic.js';
export { summarize, summarizePositive, standardError, tCritical95, tQuantile, tCdf, tTwoSidedP, normalQuantile, normalCdf, holmAdjust, auroc, bitsPerByte } from './stats.js';
export { judgeClaim, judgeReport, verdictOf, seedMeasurement } from './claims.js';
export { matchesFacets, meanPerSeed, selectClaimRecords } from './claim-selection.js';
export type { FacetFilter } from './claim-selection.js';
export type { ClaimJudgement, JudgeOptions, ReportStudy } from './claims.js';
export { defaultGates, studyGates, claimGates, evaluateGate, gateFailure, REFERENCE_ARMS, REFERENCE_METRIC, BIGRAM_MARGIN_BPB, KNOCKOUT_MARGIN_BPB } from './gates.js';
export { analysisPlan, planHash, preregistration, matchesRegistration, planChanges, nextRegistration, parsePreregistration, preregistrationState, PREREGISTRATION_SCHEMA, ANALYSIS_DEFAULTS } from './preregistration.js';
export type { AnalysisPlan, AnalysisSettings, PlannedClaim, PlannedGate, PlannedArm, Preregistration, PreregistrationState, PlanOptions } from './preregistration.js';
export { planSequentialSeeds, sequentialRecords, sequentialThreshold, sequentialP, alphaSpent, designName } from './sequential.js';
export type { SequentialDesign, StudySeedPlan, ClaimSeedDecision } from './sequential.js';
export { pairedEffect, minimumDetectableEffect, perItemDetails, signalToNoise } from './paired-effect.js';
export type { SeedMeasurement, PairedEffect, PairedEffectOptions } from './paired-effect.js';
export type { Summary } from './stats.js';
export { Rng, deriveSeed } from './random.js';
export { studySchema, suiteSchema, resultRecordSchema, check, assertValid, describeErrors } from './schemas.js';
export type { SchemaName, SuiteFile } from './schemas.js';
export type { SchemaType } from './schemas/derive.js';
export { replicationSchema, VERDICTS } from './schemas/replication.js';
export type { ReplicationEntry, ReplicationFile, GateResult, SequentialRecord, Verdict, EffectTest } from './schemas/replication.js';
export { PROFILES, PROFILE_NAMES, getProfile, trainTokens } from './profiles.js';
export type { Profile, ProfileName, BaseModelSize } from './profiles.js';
export { Registry, discoverPlugins } from './registry.js';
export type { DiscoveredPlugin, PluginOrigin, ComponentKind } from './registry.js';
export { ContentStore } from './cache.js';
export { TrainingFault } from './engine.js';
export type { BackendName, BackendInfo, TrainingBudget, StepProgress, TrainRequest, TrainedCell, TrainingEngine } from './engine.js';
export { planStudies, shardCells, shardGroups, assignShards, evaluatorUses, trainedWith, cellCost, REFERENCE_EVALUATOR } from './plan.js';
export { canonicalArm, trainingIdentity } from './training-identity.js';
export type { ShardGroup } from './plan.js';
export type { CellEstimate } from './plan-cost.js';
export type { PlannedCell } from './plan.js';
export { runStudies, inlineExecutor, assertWritable, removeStaleTemporaries } from './runner.js';
export type { RunOptions, RunSummary, RunReporter, CellLabel, CellStatus, CellExecutor } from './runner.js';
export { createCellContext, executeCell, cellKeys, codeHashes, plannedCell } from './cell.js';
export type { CellContext, CellTask, CellOutcome, CellReporter, EvalArtifact, TrainedArtifact } from './cell.js';
export { CodeHasher, importSpecifiers } from './code-hash.js';
export { checkMetrics } from './metric-check.js';
export { assertBoardsRegistered, assertRecordBoards, boardsOf } from './boards.js';
export { withoutProcessExit } from './registry.js';
export { encodeDocuments } from './token-data.js';
export { writeResults, readResults, validateResultsText, validateTrainingText } from './results.js';
export type { ResultRecord, Provenance, RecordProblem, TrainingLine } from './results.js';
export { JSON_LIMITS, jsonDepth, parseJsonLine, readInputText } from './json-lines.js';
export type { JsonLimits } from './json-lines.js';
export { buildBoard, boardCsv, resultsCsv, writeLeaderboards, formatNumber, safeText, facetsOf, facetKey, orderMetrics } from './leaderboard.js';
export type { LeaderboardRow, MetricCell, Facets, BoardCsvOptions, WriteLeaderboardsOptions } from './leaderboard.js';
export type { TrainingStart, TrainingPhase, TrainingPlan } from './contracts/model.js';
export { applyStudySummary, applyStudySummaries } from './study-summary.js';
export type { StudySummary } from './study-summary.js';
export { frequencyBuckets, frequencyBucketName, DEFAULT_FREQUENCY_SHARES } from './frequency.js';
