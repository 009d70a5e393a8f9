export type { TokenizerJSON, TrainedTokenizer, TokenizerTrainOptions, TokenizerFactory } from './tokenizer.js';
export type { ModelBuildContext, ForwardOptions, ForwardOutput, ParamCount, FlopsPerToken, LanguageModel, ModelFactory } from './model.js';
export type { LossOutput, LossFunction } from './loss.js';
export { BOARD_ID_PATTERN, boardIdProblem, checkBoard, defineBoard } from './board.js';
export type { BoardDefinition } from './board.js';
export type {
  Board, MetricRecord, ContinuationRequest, ContinuationScore, RollingScore, GenerationOptions, TokenScores, Scorer,
  EvalSubject, CurvePoint, PositionCurve, TrainingRecord, EvalContext, EvalLimits, EvalDocument, EvalData, Evaluator, EvaluatorWork, EvaluatorWorkInput,
} from './evaluator.js';
export { resolveArm, defineStudy } from './study.js';
export type { ArmSpec, EvaluatorUse, StudyDefinition, StudyClaim, PaperFigure, GateSpec, KnockoutSpec } from './study.js';
export { PLUGIN_KINDS, PLUGIN_ID_PATTERN, definePlugin } from './plugin.js';
export type { PluginKind, LabbenchPlugin, PluginManifest, PluginBenchmark } from './plugin.js';
export type { Split, CorpusDocument, TrainingTextOptions, ValidationTextOptions, DataProvider, TrainingPair, TrainingPairsOptions, ClozeItem, MultipleChoiceItem, DetectionPrompt, DialogueItem } from './data.js';
export { PAIR_SEPARATORS } from './data.js';
export type { ObjectiveOptions, ObjectiveOutput } from './model.js';
