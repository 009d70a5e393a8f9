import { corpus, emailCorpus } from '../corpora.js';
import type { DialogueSetItem } from '../schemas.js';
import { countWords } from '../text/normalize.js';
import { candidate, dialogueItems, type Exchange } from './dialogue.js';
import { MIN_EXCHANGE_WORDS, replyContext } from '../email/exchanges.js';

/**
 * E-mail reply selection (spec §6.5 S1) from ham threads outside the training split. The response
 * is a reply's new text (quotes, signature and footers removed, so it cannot copy the context);
 * the context is the parent message's new text when the parent is in the corpus, else the text the
 * reply quoted. Hard negatives: other messages of the same thread, then of the same mailing list.
 */
const MIN_WORDS = MIN_EXCHANGE_WORDS;

export function buildEmailDialogue(variant: 'random' | 'hard', seed = 0): DialogueSetItem[] {
  const messages = new Map(emailCorpus().map((m) => [m.key, m]));
  const docs = corpus('email').filter((d) => d.split !== 'train' && d.meta?.label === 'ham');
  const exchanges: Exchange[] = [];
  for (const doc of docs) {
    const reply = messages.get(doc.id)!;
    const context = replyContext(reply, messages);
    if (context === undefined) continue;
    exchanges.push({ source: 'email', docId: doc.id, threadId: reply.thread, split: doc.split as 'valid' | 'test', turns: [context], response: reply.newText, key: `email:${doc.id}` });
  }
  const all = docs.filter((d) => countWords(d.text) >= MIN_WORDS).map((d) => candidate(d.text, d.meta?.thread ?? d.id));
  const listOf = new Map(docs.map((d) => [d.meta?.thread ?? d.id, d.meta?.list]));
  const byList = new Map<string, Set<string>>();
  for (const [thread, list] of listOf) if (list !== undefined) byList.set(list, (byList.get(list) ?? new Set()).add(thread));
  const related = (thread: string): ReadonlySet<string> => byList.get(listOf.get(thread) ?? '') ?? new Set();
  return dialogueItems(exchanges, { all, related }, variant, seed, 'dialogue-email');
}
