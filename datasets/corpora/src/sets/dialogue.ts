import type { DialogueSetItem } from '../schemas.js';
import { truncateAtWord, truncateStartAtWord } from '../text/normalize.js';
import { createRng, shuffled, type Rng } from '../text/random.js';
import { byLength, distinct, lengthMatched, placeAnswer, type Candidate } from './candidates.js';

/**
 * Response selection items (Dial-MAE §5, spec §6.5): 1 true response and 9 negatives, the true one
 * at a seeded position. `random` draws negatives from other threads of the same source; `hard`
 * first from the same thread (or document), then from `related` units (same mailing list), then
 * like `random`. Both variants use the same exchanges, so their scores are comparable.
 */
export const NEGATIVES = 9;
/** Turns are cut to this many characters (context: its end; response: its start). */
export const MAX_TURN_CHARS = 1000;

export interface Exchange {
  readonly source: string;
  readonly docId: string;
  readonly threadId: string;
  readonly split: 'valid' | 'test';
  /** Earlier turns, oldest first. */
  readonly turns: readonly string[];
  readonly response: string;
  readonly key: string;
}

export interface DialoguePools {
  /** Every candidate response of the source (built with `candidate()`), `unit` = thread id. */
  readonly all: readonly Candidate[];
  /** Units whose candidates make good hard negatives for a thread (besides the thread itself). */
  readonly related?: (threadId: string) => ReadonlySet<string>;
}

export function dialogueItems(exchanges: readonly Exchange[], pools: DialoguePools, variant: 'random' | 'hard', seed: number, purpose: string): DialogueSetItem[] {
  const rng = createRng(seed, `${purpose}:${variant}`);
  const all = byLength(pools.all);
  const items: DialogueSetItem[] = [];
  for (const ex of exchanges) {
    const turns = ex.turns.map((t) => truncateStartAtWord(t, MAX_TURN_CHARS));
    const response = truncateAtWord(ex.response, MAX_TURN_CHARS);
    // The context's own message must not come back as a negative, whole or cut.
    const exclude = new Set([response, ex.response, ...ex.turns, ...turns, ...ex.turns.map((t) => truncateAtWord(t, MAX_TURN_CHARS))]);
    const words = response.split(/\s+/).length;
    const others = all.filter((c) => c.unit !== ex.threadId);
    // Both variants keep the same exchanges: those with enough negatives from other threads.
    if (distinct(others.filter((c) => !exclude.has(c.text))).length < NEGATIVES) continue;
    const sameThread = variant === 'hard' ? pickFrom(all.filter((c) => c.unit === ex.threadId), words, NEGATIVES, rng, exclude) : [];
    for (const c of sameThread) exclude.add(c);
    const relatedUnits = variant === 'hard' && pools.related ? pools.related(ex.threadId) : new Set<string>();
    const related = pickFrom(all.filter((c) => c.unit !== ex.threadId && relatedUnits.has(c.unit)), words, NEGATIVES - sameThread.length, rng, exclude);
    for (const c of related) exclude.add(c);
    const rest = pickFrom(others, words, NEGATIVES - sameThread.length - related.length, rng, exclude);
    const negatives = [...sameThread, ...related, ...rest];
    if (negatives.length < NEGATIVES) continue;
    const { choices, label } = placeAnswer(response, shuffled(negatives, rng), rng);
    items.push({
      id: ex.key, source: ex.source, threadId: ex.threadId, docId: ex.docId, split: ex.split,
      context: turns.join('\n'), turns, candidates: choices, label, sameThreadNegatives: sameThread.length,
    });
  }
  return items;
}

/** A response candidate, cut like responses are. */
export function candidate(text: string, unit: string): Candidate {
  const cut = truncateAtWord(text, MAX_TURN_CHARS);
  return { text: cut, words: cut.split(/\s+/).length, unit };
}

/** Up to `k` length-matched candidate texts, none excluded or repeated. */
function pickFrom(pool: readonly Candidate[], words: number, k: number, rng: Rng, exclude: ReadonlySet<string>): string[] {
  if (k <= 0 || pool.length === 0) return [];
  return lengthMatched(pool, words, k, rng, () => true, exclude).map((c) => c.text);
}
