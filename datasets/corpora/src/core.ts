/**
 * The one place this package imports @labbench/core: its contracts and the shared mechanisms
 * (errors, hashing, atomic writes, the seeded generator). Keeping them behind one file means a
 * change of core's entry point is a one-line change here.
 */
export type {
  Split, CorpusDocument, TrainingTextOptions, ValidationTextOptions, DataProvider, TrainingPair, TrainingPairsOptions, ClozeItem, MultipleChoiceItem, DetectionPrompt, DialogueItem,
  EvalData, EvalDocument, EvalLimits,
} from '@labbench/core';
export { DataError, ConfigError, suggest, sha256, hashJson, canonicalJson, writeFileAtomic, Rng, deriveSeed, PAIR_SEPARATORS } from '@labbench/core';
