import type { CorpusDocument } from '../core.js';
import { heldOut } from '../corpora.js';
import type { ClozeSetItem } from '../schemas.js';
import { sentenceSpans, wordsIn } from '../text/sentences.js';
import { STOPWORDS } from '../text/stopwords.js';

/**
 * LAMBADA-style last-word cloze from held-out Brown, SOTU and Moby-Dick documents (notes §4b).
 * Target: the word that ends a sentence (alphabetic, at least 3 letters, not a stopword), scored
 * as ' ' + target. Context: the text before it, starting at a sentence start, at most 80 words.
 * `lambada` keeps only items whose target also occurs in the context, the filter that makes
 * LAMBADA need the passage rather than the sentence; `lastword` keeps all of them.
 */
export const CLOZE_SOURCES = ['brown', 'sotu', 'moby'] as const;
const CONTEXT_WORDS = 80;
const MIN_CONTEXT_WORDS = 20;
// The last word of a sentence, preceded by whitespace (not a hyphen or slash), then end punctuation.
const FINAL_WORD = /(?<=\s)([A-Za-z]+)[.!?]+["'\u201d\u2019)\]]*$/;

export function buildCloze(filter: 'lambada' | 'lastword'): ClozeSetItem[] {
  return CLOZE_SOURCES.flatMap((source) => heldOut(source).flatMap((doc) => clozeItems(doc, filter)));
}

function clozeItems(doc: CorpusDocument, filter: 'lambada' | 'lastword'): ClozeSetItem[] {
  const { text } = doc;
  const spans = sentenceSpans(text);
  const items: ClozeSetItem[] = [];
  spans.forEach((span, i) => {
    const match = FINAL_WORD.exec(text.slice(span.start, span.end));
    if (!match) return;
    const target = match[1];
    if (target.length < 3 || STOPWORDS.has(target.toLowerCase())) return;
    const targetStart = span.start + match.index;
    let first = i;
    while (first > 0 && wordsIn(text, spans[first - 1].start, targetStart) <= CONTEXT_WORDS) first--;
    const context = text.slice(spans[first].start, targetStart).trimEnd();
    if (wordsIn(context, 0, context.length) < MIN_CONTEXT_WORDS) return;
    if (filter === 'lambada' && !mentions(context, target)) return;
    items.push({ id: `${doc.source}:${doc.id}:${i}`, source: doc.source, docId: doc.id, split: doc.split as 'valid' | 'test', context, target });
  });
  return items;
}

/** True when `word` occurs in `text` as a whole word, ignoring case. */
function mentions(text: string, word: string): boolean {
  return new RegExp(`\\b${word}\\b`, 'i').test(text);
}
