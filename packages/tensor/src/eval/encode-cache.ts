import type { TokenizerJSON, TrainedTokenizer } from '@labbench/core';
import { hashJson } from '@labbench/core';

/**
 * Encodings of evaluation text, shared by every cell of a process. The arms of a study usually
 * share one tokenizer (same training text, same options), and a worker computes its cells one
 * after another, so each evaluation set is encoded once per tokenizer instead of once per cell
 * and evaluator. Keyed by a hash of the tokenizer's JSON (two objects rebuilt from the same JSON
 * share entries; two different tokenizers never do) and by the text itself, so any set (documents,
 * cloze contexts, prompts) is covered without naming it.
 *
 * Cached arrays are shared: callers read them and never write into them.
 */

/** Tokens kept before the oldest tokenizer's entries are dropped (about 200 MB of Int32). */
const MAX_CACHED_TOKENS = 50_000_000;

const hashes = new WeakMap<TrainedTokenizer, string>();
/** Per tokenizer hash, text -> ids; Map keeps insertion order, so the first key is the oldest. */
const encodings = new Map<string, Map<string, Int32Array>>();
let cachedTokens = 0;
const stats = { hits: 0, misses: 0 };

/** A stable identity of a trained tokenizer: the sha256 of its canonical JSON, computed once per object. */
export function tokenizerHash(tokenizer: TrainedTokenizer): string {
  let hash = hashes.get(tokenizer);
  if (hash === undefined) {
    hash = hashJson(tokenizer.toJSON() as TokenizerJSON);
    hashes.set(tokenizer, hash);
  }
  return hash;
}

/** `tokenizer.encode(text)`, from the process-wide cache when this tokenizer encoded this text before. Read-only result. */
export function encodeCached(tokenizer: TrainedTokenizer, text: string): Int32Array {
  const key = tokenizerHash(tokenizer);
  let byText = encodings.get(key);
  if (!byText) {
    byText = new Map();
    encodings.set(key, byText);
  }
  const hit = byText.get(text);
  if (hit) {
    stats.hits++;
    return hit;
  }
  stats.misses++;
  const ids = tokenizer.encode(text);
  byText.set(text, ids);
  cachedTokens += ids.length;
  if (cachedTokens > MAX_CACHED_TOKENS) evictOldest(key);
  return ids;
}

/** Drops whole tokenizers, oldest first, keeping the one in use. */
function evictOldest(keep: string): void {
  for (const [key, byText] of encodings) {
    if (cachedTokens <= MAX_CACHED_TOKENS || key === keep) continue;
    for (const ids of byText.values()) cachedTokens -= ids.length;
    encodings.delete(key);
  }
}

const CACHED = Symbol('labbench.cachedTokenizer');

/**
 * The same tokenizer with `encode` going through the shared cache. Returns `tokenizer` itself when
 * it is already a cached view.
 */
export function cachedTokenizer(tokenizer: TrainedTokenizer): TrainedTokenizer {
  if (CACHED in tokenizer) return tokenizer;
  const view: TrainedTokenizer & { [CACHED]: true } = {
    [CACHED]: true,
    id: tokenizer.id,
    vocabSize: tokenizer.vocabSize,
    eosId: tokenizer.eosId,
    encode: (text) => encodeCached(tokenizer, text),
    decode: (ids) => tokenizer.decode(ids),
    toJSON: () => tokenizer.toJSON(),
  };
  hashes.set(view, tokenizerHash(tokenizer));
  return view;
}
/** Hits and misses since the process started (profiling and tests). */
export function encodeCacheStats(): { hits: number; misses: number; tokens: number; tokenizers: number } {
  return { ...stats, tokens: cachedTokens, tokenizers: encodings.size };
}
