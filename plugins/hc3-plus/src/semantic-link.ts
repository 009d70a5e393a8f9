import { Rng } from '@labbench/core';
import { wordsOf } from './normal-form.js';

/**
 * The two checks that a semantic-invariant (B) task is what it claims to be: its machine text is
 * written by the generator (few tokens copied verbatim from the human source) and it is about the
 * same content (it shares more content words with its own human text than with an unrelated one).
 * Old B1/B2 texts (span infilling, word substitution) were 60-85% human words: they fail the first.
 */

// Function words, and frequent words that carry no topic (spec 6.4's content-word rule).
const STOPWORDS = new Set(('the of and to a in that is was he for it with as his on be at by i this had not are but from or have an they which one you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people mr how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three').split(' '));

/** The word without leading/trailing punctuation, and the punctuation around it. */
export function splitPunctuation(word: string): { lead: string; core: string; trail: string } {
  const m = /^([^A-Za-z]*)([A-Za-z]+(?:[-'][A-Za-z]+)*)([^A-Za-z]*)$/.exec(word);
  return m ? { lead: m[1], core: m[2], trail: m[3] } : { lead: '', core: '', trail: word };
}

/** A content word: alphabetic, at least 3 letters, not a stopword. */
export function isContentWord(word: string): boolean {
  const { core } = splitPunctuation(word);
  return /^[A-Za-z]{3,}$/.test(core) && !STOPWORDS.has(core.toLowerCase());
}

/** Lower-cased content words of a normal-form text, as a set. */
export function contentWords(text: string): Set<string> {
  return new Set(wordsOf(text).filter(isContentWord).map((w) => splitPunctuation(w).core.toLowerCase()));
}

/** Number of distinct content words two texts share. */
export function sharedContentWords(a: string, b: string): number {
  const other = contentWords(b);
  let n = 0;
  for (const w of contentWords(a)) if (other.has(w)) n++;
  return n;
}

/**
 * Share of the machine text's tokens (words or token ids) that lie inside a span of at least
 * `minSpan` consecutive tokens that also occurs, in the same order, in the source. 0 for an empty text.
 */
export function copiedShare<T extends number | string>(machine: ArrayLike<T>, source: ArrayLike<T>, minSpan = 5): number {
  if (machine.length === 0) return 0;
  const grams = new Set<string>();
  for (let i = 0; i + minSpan <= source.length; i++) grams.add(Array.prototype.slice.call(source, i, i + minSpan).join('\u0000'));
  const covered = new Uint8Array(machine.length);
  for (let i = 0; i + minSpan <= machine.length; i++) {
    if (grams.has(Array.prototype.slice.call(machine, i, i + minSpan).join('\u0000'))) covered.fill(1, i, i + minSpan);
  }
  return covered.reduce((a, b) => a + b, 0) / machine.length;
}

/** What the B-task checks measure on a built corpus (structural: only the fields they read). */
interface LinkSample {
  readonly task: string;
  readonly docId: string;
  readonly label: 0 | 1;
  readonly itemId: string;
  readonly text: string;
  readonly passage: string;
}

export interface SemanticLink {
  /** Machine texts checked. */
  readonly texts: number;
  /** Share of all machine words inside spans of >= 5 words copied verbatim from the human passage. */
  readonly copiedShare: number;
  /** The same over the tokenizer's tokens (informational: one rare word can be 5 tokens). */
  readonly copiedShareTokens: number;
  /** Share of machine texts that share more content words with their own human text than with another pair's. */
  readonly ownOverlapWins: number;
  /** Mean content words shared with the own human text, and with the other pair's. */
  readonly meanOwnOverlap: number;
  readonly meanOtherOverlap: number;
}

/** A text as comparable word tokens: lower-cased, punctuation around each word dropped. */
export function wordTokens(text: string): string[] {
  return wordsOf(text).map((w) => (splitPunctuation(w).core || w).toLowerCase());
}

/**
 * Both checks for one task's pairs: the copy share against each pair's passage (in words, and in
 * tokenizer tokens for information), and the content overlap with the pair's own human text against
 * the human text of a seeded random pair from another document.
 */
export function semanticLink(samples: readonly LinkSample[], task: string, encode: (text: string) => ArrayLike<number>, seed = 0): SemanticLink {
  const machine = samples.filter((s) => s.task === task && s.label === 1);
  const human = new Map(samples.filter((s) => s.task === task && s.label === 0).map((s) => [s.itemId, s.text]));
  const rng = new Rng(seed);
  let copied = 0;
  let words = 0;
  let copiedTokens = 0;
  let tokens = 0;
  let wins = 0;
  let own = 0;
  let other = 0;
  for (const m of machine) {
    const w = wordTokens(m.text);
    copied += copiedShare(w, wordTokens(m.passage)) * w.length;
    words += w.length;
    const ids = encode(` ${m.text}`);
    copiedTokens += copiedShare(ids, encode(` ${m.passage}`)) * ids.length;
    tokens += ids.length;
    let pick = machine[rng.int(0, machine.length - 1)];
    for (let tries = 0; tries < 20 && pick.docId === m.docId; tries++) pick = machine[rng.int(0, machine.length - 1)];
    const mine = sharedContentWords(m.text, human.get(m.itemId) ?? '');
    const theirs = pick.docId === m.docId ? 0 : sharedContentWords(m.text, human.get(pick.itemId) ?? '');
    own += mine;
    other += theirs;
    if (mine > theirs) wins++;
  }
  const n = Math.max(1, machine.length);
  return { texts: machine.length, copiedShare: words > 0 ? copied / words : 0, copiedShareTokens: tokens > 0 ? copiedTokens / tokens : 0, ownOverlapWins: wins / n, meanOwnOverlap: own / n, meanOtherOverlap: other / n };
}
