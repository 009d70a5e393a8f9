import { join } from 'node:path';
import { canonicalJson, hashJson, type DataProvider, type EvalLimits, type TrainingTextOptions, type ValidationTextOptions } from './core.js';
import { SetCache, defaultCacheDir } from './cache.js';
import { cacheCorporaIn } from './corpora.js';
import { createEvalData, validationTexts } from './eval-data.js';
import { MIXTURES } from './mixtures.js';
import { PAIR_MIXTURES, buildTrainingPairs, trainingTextFor } from './pairs/training-pairs.js';
import { SETS } from './sets/index.js';
import { cachedTrainingTextHash } from './training-text-hash.js';

export interface DataProviderOptions {
  /** Where built evaluation sets are cached; default `<workspace root>/.labbench/datasets`. */
  readonly cacheDir?: string;
  /** Receives notes about cache rebuilds (checksum mismatch, changed inputs). */
  readonly log?: (message: string) => void;
}

/**
 * The DataProvider the CLI wires into the runner. Corpora load on first use (about two seconds
 * for all of them); evaluation sets are built on first use into the cache folder and verified by
 * checksum whenever a process first reads them.
 *
 * @example
 * const data = createDataProvider();
 * const text = await data.trainingText({ mixture: 'default', maxChars: 2_000_000, seed: 0 });
 * const lambada = await data.evalData({ documents: 30, items: 500, maxChars: 300_000 }).set('cloze-lambada');
 */
export function createDataProvider(options: DataProviderOptions = {}): DataProvider {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cache = new SetCache(cacheDir, options.log);
  // Parsed corpora beside the sets, in their own folder (and manifest).
  cacheCorporaIn(new SetCache(join(cacheDir, 'corpora'), options.log));
  // What a profile's limits select (test documents, capped sets, validation text), in a folder of their own too.
  const selections = new SetCache(join(cacheDir, 'selections'), options.log);
  // The training texts' hashes, so that a run whose streams are stored never builds the text.
  const trainingHashes = new SetCache(join(cacheDir, 'training-hashes'), options.log);
  const hashes = new Map<string, string>();
  return {
    trainingText: async (o: TrainingTextOptions) => trainingTextFor(o),
    trainingPairs: async (o) => buildTrainingPairs(o),
    validationText: async (o) => validationTexts(o, selections),
    evalData: (limits: EvalLimits) => createEvalData(limits, cache, selections),
    hash: async (o: TrainingTextOptions) => {
      const key = canonicalJson({ mixture: o.mixture, maxChars: o.maxChars, seed: o.seed });
      let hash = hashes.get(key);
      if (hash === undefined) {
        hash = cachedTrainingTextHash(o, trainingHashes);
        hashes.set(key, hash);
      }
      return hash;
    },
    validationHash: async (o: ValidationTextOptions) => {
      const key = canonicalJson({ validation: o.domain, maxChars: o.maxChars });
      let hash = hashes.get(key);
      if (hash === undefined) {
        hash = hashJson(validationTexts(o, selections));
        hashes.set(key, hash);
      }
      return hash;
    },
    knownHashes: () => Object.fromEntries(hashes),
    adoptHashes: (known) => {
      for (const [key, hash] of Object.entries(known)) if (!hashes.has(key)) hashes.set(key, hash);
    },
    mixtures: () => [...MIXTURES.map((m) => m.id), ...PAIR_MIXTURES.map((m) => m.id)],
    sets: () => SETS.map((s) => s.name),
  };
}
