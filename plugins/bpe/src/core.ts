/**
 * The one place this plugin imports @labbench/core from.
 *
 * Core's `src/index.ts` does not exist yet, so these are relative imports of the contract
 * files. When it lands, replace both `from` paths below by '@labbench/core'.
 */
export type {
  TokenizerFactory, TrainedTokenizer, TokenizerJSON, TokenizerTrainOptions,
  Evaluator, EvalContext, EvalSubject, EvalDocument, MetricRecord,
  StudyDefinition, LabbenchPlugin,
} from '../../../packages/core/src/contracts/index.js';
export { definePlugin, defineStudy, resolveArm } from '../../../packages/core/src/contracts/index.js';
