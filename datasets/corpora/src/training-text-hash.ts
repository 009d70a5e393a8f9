import type { TrainingTextOptions } from './core.js';
import type { SetCache } from './cache.js';
import { CORPUS_NAMES } from './corpora.js';
import { limitTag } from './eval-data.js';
import { MIXTURES, trainingTextHash } from './mixtures.js';
import { PAIR_MIXTURES, trainingTextFor } from './pairs/training-pairs.js';

// Bump when the shape of a cached entry changes without a source change (the fingerprint covers
// source edits already).
const HASH_ENTRY_VERSION = 1;

/**
 * The content hash of the training text for `options` (it names the encoded streams and goes into
 * every cell key). Computing it means building the text: reading the parsed corpora and cutting
 * them into pieces, about a second of every run's start in the process that schedules the cells,
 * before the first cell can start, even when every stream and cell is already stored. With `cache`
 * the hash is kept like an evaluation set: fingerprinted with every corpus package's version and
 * this package's source (the mixtures, the chunker, the e-mail pairs), so any change to what builds
 * the text computes it again; a damaged entry fails its checksum and is rebuilt.
 */
export function cachedTrainingTextHash(options: TrainingTextOptions, cache?: SetCache): string {
  const compute = (): string => trainingTextHash(options, trainingTextFor(options));
  // Options the builder refuses get its error, and no file is named after them.
  const known = MIXTURES.some((m) => m.id === options.mixture) || PAIR_MIXTURES.some((m) => m.id === options.mixture);
  if (cache === undefined || !known || !Number.isInteger(options.seed) || !Number.isFinite(options.maxChars) || options.maxChars < 1) return compute();
  const name = `training-${options.mixture}-${limitTag(options.maxChars)}chars-seed${limitTag(options.seed)}`;
  const [entry] = cache.read({ name, version: HASH_ENTRY_VERSION, itemType: 'training-text-hash', corpora: CORPUS_NAMES, build: () => [{ sha256: compute() }] }) as ReadonlyArray<{ sha256: string }>;
  return entry.sha256;
}
