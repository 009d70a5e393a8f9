import { heldOut } from '../corpora.js';
import type { MultipleChoiceSetItem } from '../schemas.js';
import { createRng, shuffled } from '../text/random.js';
import { sentenceSpans, wordsIn } from '../text/sentences.js';
import { byLength, lengthMatched, placeAnswer, type Candidate } from './candidates.js';

/**
 * HellaSwag-like next-sentence choice (notes §4b): up to 4 held-out sentences as context, the true
 * next sentence against 3 length-matched sentences from other held-out documents of the same
 * source. 1,000 items, split evenly over the sources, positions and distractors seeded.
 */
export const NEXT_SENTENCE_SOURCES = ['brown', 'sotu', 'moby'] as const;
const TOTAL_ITEMS = 1000;
const CONTEXT_SENTENCES = 4;
const MIN_CONTEXT_SENTENCES = 3;
const MIN_WORDS = 5;
const MAX_WORDS = 60;

interface Position {
  readonly docId: string;
  readonly split: 'valid' | 'test';
  readonly context: string;
  readonly answer: Candidate;
  readonly index: number;
}

export function buildNextSentence(seed = 0): MultipleChoiceSetItem[] {
  return NEXT_SENTENCE_SOURCES.flatMap((source, s) => {
    const quota = Math.floor(TOTAL_ITEMS / NEXT_SENTENCE_SOURCES.length) + (s < TOTAL_ITEMS % NEXT_SENTENCE_SOURCES.length ? 1 : 0);
    return sourceItems(source, quota, seed);
  });
}

function sourceItems(source: (typeof NEXT_SENTENCE_SOURCES)[number], quota: number, seed: number): MultipleChoiceSetItem[] {
  const pool: Candidate[] = [];
  const positions: Position[] = [];
  for (const doc of heldOut(source)) {
    const spans = sentenceSpans(doc.text);
    spans.forEach((span, i) => {
      const text = doc.text.slice(span.start, span.end);
      const words = wordsIn(text, 0, text.length);
      if (words < MIN_WORDS || words > MAX_WORDS) return;
      const answer = { text, words, unit: doc.id };
      pool.push(answer);
      if (i < MIN_CONTEXT_SENTENCES) return;
      const context = doc.text.slice(spans[Math.max(0, i - CONTEXT_SENTENCES)].start, spans[i - 1].end);
      positions.push({ docId: doc.id, split: doc.split as 'valid' | 'test', context, answer, index: i });
    });
  }
  const sorted = byLength(pool);
  const rng = createRng(seed, `mc-next-sentence:${source}`);
  const items: MultipleChoiceSetItem[] = [];
  for (const p of shuffled(positions, rng)) {
    if (items.length >= quota) break;
    const distractors = lengthMatched(sorted, p.answer.words, 3, rng, (c) => c.unit !== p.docId, new Set([p.answer.text]));
    if (distractors.length < 3) continue;
    const { choices, label } = placeAnswer(` ${p.answer.text}`, distractors.map((d) => ` ${d.text}`), rng);
    items.push({ id: `${source}:${p.docId}:${p.index}`, source, docId: p.docId, split: p.split, context: p.context, choices, label });
  }
  return items;
}
