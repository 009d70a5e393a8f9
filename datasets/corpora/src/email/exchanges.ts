import { countWords } from '../text/normalize.js';
import type { EmailMessage } from './corpus.js';

/** Fewest words of a context or a response (the notes' threshold for a "clean" parent -> reply pair). */
export const MIN_EXCHANGE_WORDS = 8;

/**
 * The context of a reply: the parent message's new text when the parent is in the corpus and long
 * enough, else the text the reply quoted. Undefined when the reply or its context is too short.
 * One rule for the evaluation sets (held-out threads) and the training pairs (training threads).
 */
export function replyContext(reply: EmailMessage, messages: ReadonlyMap<string, EmailMessage>): string | undefined {
  if (countWords(reply.newText) < MIN_EXCHANGE_WORDS) return undefined;
  const parent = reply.parentKey !== undefined ? messages.get(reply.parentKey) : undefined;
  const context = parent && countWords(parent.newText) >= MIN_EXCHANGE_WORDS ? parent.newText : reply.quoted;
  return countWords(context) >= MIN_EXCHANGE_WORDS ? context : undefined;
}
