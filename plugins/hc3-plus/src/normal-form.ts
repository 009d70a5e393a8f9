import { normalizeText } from '@labbench/corpora';
import type { TrainedTokenizer } from '@labbench/core';

/**
 * The one normal form every stored text of the benchmark is in, human and machine alike
 * (HC3's human answers were told apart by spacing artefacts; here both classes pass through the
 * same function): the corpora's normaliser (NFC, no controls), then every whitespace run becomes
 * one space, then trimmed. Idempotent: `normalForm(normalForm(x)) === normalForm(x)`.
 */
export function normalForm(text: string): string {
  return normalizeText(text).replace(/\s+/gu, ' ').trim();
}

/**
 * A text as both classes are stored: normal form, round-tripped through the tokenizer (byte-level
 * BPE round-trips exactly, so this only guards against a lossy tokenizer) and normalised again.
 */
export function canonicalText(tokenizer: TrainedTokenizer, text: string): string {
  return normalForm(tokenizer.decode(tokenizer.encode(normalForm(text))));
}

/** Splits a normal-form text into words (maximal runs of non-spaces). */
export function wordsOf(text: string): string[] {
  return text.length === 0 ? [] : text.split(' ');
}

/** A prefix of `text` with at most `maxTokens` tokens, cut at a word boundary (at least one word). */
export function cutToTokens(tokenizer: TrainedTokenizer, text: string, maxTokens: number): string {
  const words = wordsOf(text);
  let lo = 1;
  let hi = words.length;
  if (tokenizer.encode(text).length <= maxTokens) return text;
  while (lo < hi) { // largest word count whose prefix fits
    const mid = Math.ceil((lo + hi) / 2);
    if (tokenizer.encode(words.slice(0, mid).join(' ')).length <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  return words.slice(0, lo).join(' ');
}
