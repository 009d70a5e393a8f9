/** The one place this plugin imports @labbench/core from. */
export type {
  TokenizerFactory, TrainedTokenizer, TokenizerJSON, TokenizerTrainOptions,
  Evaluator, EvalContext, EvalSubject, EvalDocument, MetricRecord,
  StudyDefinition, LabbenchPlugin,
} from '@labbench/core';
export { defineBoard, definePlugin, defineStudy, resolveArm } from '@labbench/core';
