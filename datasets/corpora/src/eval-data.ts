import { ConfigError, type EvalData, type EvalDocument, type EvalLimits } from './core.js';
import { corpus, wordnetSynsets } from './corpora.js';
import type { SetCache } from './cache.js';
import type { CorpusName } from './corpora.js';
import { setDefinition } from './sets/index.js';
import { truncateAtWord } from './text/normalize.js';
import { createRng, sample, shuffled } from './text/random.js';

/**
 * Held-out data for evaluators, capped by the profile's limits.
 * - inDomain: test-split documents of Brown, SOTU and Moby-Dick.
 * - outOfDomain: text no mixture trains on, two shifts of different size:
 *   `email-spam` (near: the e-mail medium, but spam's commercial register; spam never enters a
 *   mixture, and only test-split threads are used) and `wordnet` (far: dictionary glosses, never
 *   trained on; grouped into documents of 50 synsets of one lexicographer file).
 *   Moby-Dick is not out-of-domain here because the default mixture trains on it; studies whose
 *   mixture leaves it out (brown-sotu) can take its inDomain documents as their shift instead.
 * validationText gives the valid-split counterparts for loss curves during training: valid
 * documents of the same in-domain sources, and valid-split spam threads plus the even-numbered
 * WordNet pages (outOfDomain uses the odd-numbered ones), so curves never touch test text.
 * Each source gets an equal share of `documents` and `maxChars`, taking whole documents in a fixed
 * seeded order (a document longer than the rest of its share is skipped, so a per-document score
 * is a score of the whole document); only a source none of whose documents fits its share gives
 * its first document cut at a word boundary (tiny smoke budgets). The order of the returned
 * documents is a pure function of the limits, so every arm and seed scores them in the same order.
 */
export const IN_DOMAIN_SOURCES = ['brown', 'sotu', 'moby'] as const;
export const OUT_OF_DOMAIN_SOURCES = ['email-spam', 'wordnet'] as const;
const SYNSETS_PER_GLOSSARY_DOCUMENT = 50;
// Leftover shares smaller than this are not worth a truncated document.
const MIN_DOCUMENT_CHARS = 200;

/**
 * `sets` caches the evaluation sets; `selections` (when given) what the limits select from them
 * and from the corpora: the test documents per domain, and each set capped at `items`. Choosing
 * the documents needs every document of five corpora (about 60 MB of parsed JSON, two seconds of
 * each worker's first evaluation), capping a set needs the whole set; the selections are a few
 * kB to a few hundred kB, read back in milliseconds by every later process.
 */
export function createEvalData(limits: EvalLimits, sets: SetCache, selections?: SetCache): EvalData {
  checkLimits(limits);
  // `items` does not change which documents are chosen, so it is not part of their names
  const documents = (domain: Domain) => selectedDocuments(selections, `${domain}-documents-${limitTag(limits.documents)}-${limitTag(limits.maxChars)}chars`, domain, 'test', limits);
  return {
    inDomain: async () => documents('in-domain'),
    outOfDomain: async () => documents('out-of-domain'),
    set: async <T>(name: string) => cappedSet(sets, selections, name, limits.items) as unknown as readonly T[],
  };
}

/**
 * Validation text for loss curves (never the test split), capped at `maxChars` shared fairly by
 * source. With `selections` it is cached like the test documents (the out-of-domain text needs all
 * of WordNet, over half a second of a run's start-up).
 */
export function validationTexts(options: { readonly domain: Domain; readonly maxChars: number }, selections?: SetCache): string[] {
  const { domain, maxChars } = options;
  if (domain !== 'in-domain' && domain !== 'out-of-domain') {
    throw new ConfigError('validationText › domain', `must be 'in-domain' or 'out-of-domain', got '${String(domain)}'`, 'Pass one of the two domains.');
  }
  const limits = { documents: Number.POSITIVE_INFINITY, items: 0, maxChars };
  checkLimits(limits);
  return selectedDocuments(selections, `${domain}-validation-${limitTag(maxChars)}chars`, domain, 'valid', limits).map((d) => d.text);
}

type Domain = 'in-domain' | 'out-of-domain';

// Bump when the shape of a cached selection changes without a source change (the fingerprint
// covers source edits already).
const SELECTION_VERSION = 1;

/** A fair share of the domain's documents of one split, from the cache when given (under `name`). */
function selectedDocuments(cache: SetCache | undefined, name: string, domain: Domain, split: 'valid' | 'test', limits: EvalLimits): readonly EvalDocument[] {
  const build = (): EvalDocument[] => fairShare(domain === 'in-domain' ? IN_DOMAIN_SOURCES.map((s) => documentsOf(s, split)) : [spamDocuments(split), glossaryDocuments(split)], limits);
  if (cache === undefined) return build();
  const corpora: CorpusName[] = domain === 'in-domain' ? [...IN_DOMAIN_SOURCES] : ['email', 'wordnet'];
  return cache.read({ name, version: SELECTION_VERSION, itemType: 'eval-document', corpora, build }) as readonly EvalDocument[];
}

function cappedSet(sets: SetCache, cache: SetCache | undefined, name: string, items: number): readonly object[] {
  const set = setDefinition(name);
  const build = () => capItems(name, sets.read(set), items);
  if (cache === undefined || items === Number.POSITIVE_INFINITY) return build(); // uncapped: the set itself
  // fingerprinted with the set's corpora and this package's source (where the set's version is)
  return cache.read({ name: `${name}-${limitTag(items)}items`, version: SELECTION_VERSION, itemType: set.itemType, corpora: set.corpora, build });
}

/** A limit as it can appear in a file name, one tag per value: `300000`, `all` (no limit), `2d5` (2.5), `1em7` (1e-7). */
export function limitTag(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return 'all';
  return String(value).replace(/[.+-]/g, (c) => ({ '.': 'd', '+': 'p', '-': 'm' })[c]!);
}

function checkLimits(limits: EvalLimits): void {
  for (const key of ['documents', 'items', 'maxChars'] as const) {
    const value = limits[key];
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new ConfigError(`evalData › limits.${key}`, `must be a number >= 0, got ${String(value)}`, 'Set it in the profile, e.g. documents: 20, items: 500, maxChars: 200000.');
    }
  }
}

function documentsOf(source: 'brown' | 'sotu' | 'moby', split: 'valid' | 'test'): EvalDocument[] {
  return corpus(source).filter((d) => d.split === split).map((d) => ({ source, id: d.id, text: d.text }));
}

function spamDocuments(split: 'valid' | 'test'): EvalDocument[] {
  return corpus('email')
    .filter((d) => d.split === split && d.meta?.label === 'spam')
    .map((d) => ({ source: 'email-spam', id: d.id, text: d.text }));
}

let glossary: Array<EvalDocument & { page: number }> | undefined;

/** WordNet as glossary pages (`lemma, lemma: gloss` lines, 50 synsets of one lexicographer file each); even pages valid, odd test. */
function glossaryDocuments(split: 'valid' | 'test'): EvalDocument[] {
  glossary ??= glossaryPages();
  return glossary.filter((d) => (d.page % 2 === 0) === (split === 'valid')).map(({ source, id, text }) => ({ source, id, text }));
}

function glossaryPages(): Array<EvalDocument & { page: number }> {
  const byLexfile = new Map<string, string[]>();
  for (const s of wordnetSynsets()) {
    const lines = byLexfile.get(s.lexfile) ?? [];
    lines.push(`${s.lemmas.join(', ')}: ${s.gloss}`);
    byLexfile.set(s.lexfile, lines);
  }
  return [...byLexfile].flatMap(([lexfile, lines]) =>
    Array.from({ length: Math.ceil(lines.length / SYNSETS_PER_GLOSSARY_DOCUMENT) }, (_, page) => ({
      source: 'wordnet',
      id: `${lexfile}:${page}`,
      page,
      text: lines.slice(page * SYNSETS_PER_GLOSSARY_DOCUMENT, (page + 1) * SYNSETS_PER_GLOSSARY_DOCUMENT).join('\n'),
    })),
  );
}

/** Equal shares of the document and character caps per source: whole documents in a fixed seeded order. */
export function fairShare(groups: readonly EvalDocument[][], limits: EvalLimits): EvalDocument[] {
  const docShare = Math.floor(limits.documents / groups.length);
  const charShare = Math.floor(limits.maxChars / groups.length);
  return groups.flatMap((docs) => {
    if (docs.length === 0 || docShare < 1) return [];
    const order = shuffled(docs, createRng(0, `eval-order:${docs[0].source}`));
    const out: EvalDocument[] = [];
    let chars = 0;
    for (const doc of order) {
      if (out.length >= docShare || charShare - chars < MIN_DOCUMENT_CHARS) break;
      if (doc.text.length > charShare - chars) continue; // keep documents whole: try a shorter one
      out.push(doc);
      chars += doc.text.length;
    }
    if (out.length === 0 && charShare >= Math.min(MIN_DOCUMENT_CHARS, order[0].text.length)) out.push({ ...order[0], text: truncateAtWord(order[0].text, charShare) });
    return out;
  });
}

/** At most `max` items: a seeded subsample that keeps file order (the same for every caller). */
function capItems(name: string, items: readonly object[], max: number): readonly object[] {
  if (items.length <= max) return items;
  const keep = new Set(sample(items.map((_, i) => i), Math.floor(max), createRng(0, `subsample:${name}`)));
  return items.filter((_, i) => keep.has(i));
}
