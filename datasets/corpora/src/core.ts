/**
 * The one place this package reaches into @labbench/core. packages/core/src/index.ts does not exist
 * yet, so the contracts and the few shared mechanisms (errors, hashing, atomic writes) are imported
 * from their source files. When core gains its entry file, replace the paths below with
 * '@labbench/core' and nothing else in this package changes.
 */
export type {
  Split, CorpusDocument, TrainingTextOptions, DataProvider, ClozeItem, MultipleChoiceItem, DetectionPrompt, DialogueItem,
  EvalData, EvalDocument, EvalLimits,
} from '../../../packages/core/src/contracts/index.js';
export { DataError, ConfigError, suggest } from '../../../packages/core/src/errors.js';
export { sha256, canonicalJson } from '../../../packages/core/src/hash.js';
export { writeFileAtomic } from '../../../packages/core/src/atomic.js';
