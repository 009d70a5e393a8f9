import { sha256 } from './core.js';
import { SetCache, defaultCacheDir, type SetManifestEntry } from './cache.js';
import { CORPUS_NAMES, CORPUS_PACKAGES, corpus } from './corpora.js';
import { MIXTURES } from './mixtures.js';
import { SETS } from './sets/index.js';
import { countWords } from './text/normalize.js';

/** What `labbench datasets list` prints. */
export function datasetsList(): {
  corpora: Array<{ name: string; package: string }>;
  mixtures: Array<{ id: string; description: string }>;
  sets: Array<{ name: string; version: number; itemType: string; description: string }>;
} {
  return {
    corpora: CORPUS_NAMES.map((name) => ({ name, package: CORPUS_PACKAGES[name] })),
    mixtures: MIXTURES.map(({ id, description }) => ({ id, description })),
    sets: SETS.map(({ name, version, itemType, description }) => ({ name, version, itemType, description })),
  };
}

export interface BuildOptions {
  readonly cacheDir?: string;
  /** Rebuild even when the cached file is intact. */
  readonly force?: boolean;
  readonly log?: (message: string) => void;
}

/** Builds (or verifies) every evaluation set; `labbench datasets build`. */
export async function buildAll(options: BuildOptions = {}): Promise<{ cacheDir: string; sets: SetManifestEntry[]; seconds: number }> {
  const started = performance.now();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cache = new SetCache(cacheDir, options.log);
  const sets = SETS.map((def) => cache.ensure(def, options.force ?? false));
  return { cacheDir, sets, seconds: (performance.now() - started) / 1000 };
}

export interface CorpusStats {
  readonly name: string;
  readonly documents: number;
  readonly perSplit: { train: number; valid: number; test: number };
  readonly chars: number;
  readonly words: number;
  /** sha256 over every document's id, split and text, in corpus order. */
  readonly sha256: string;
}

/** `labbench datasets stats`: corpus sizes and checksums, and the sets (built if missing). */
export async function datasetStats(options: { cacheDir?: string } = {}): Promise<{
  corpora: CorpusStats[];
  sets: Array<{ name: string; version: number; items: number; sha256: string }>;
}> {
  const corpora = CORPUS_NAMES.map((name): CorpusStats => {
    const docs = corpus(name);
    const perSplit = { train: 0, valid: 0, test: 0 };
    let chars = 0;
    let words = 0;
    for (const d of docs) {
      perSplit[d.split]++;
      chars += d.text.length;
      words += countWords(d.text);
    }
    const digest = sha256(docs.map((d) => `${d.id}\t${d.split}\t${d.text.length}\t${d.text}`).join('\n'));
    return { name, documents: docs.length, perSplit, chars, words, sha256: digest };
  });
  const { sets } = await buildAll({ cacheDir: options.cacheDir });
  return { corpora, sets: sets.map((s) => ({ name: s.name, version: s.version, items: s.count, sha256: s.sha256 })) };
}
