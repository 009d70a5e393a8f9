import type { CorpusDocument } from '../core.js';
import { heldOut } from '../corpora.js';
import type { DetectionSetItem } from '../schemas.js';
import { createRng, sample } from '../text/random.js';
import { sentenceSpans, wordsIn } from '../text/sentences.js';

/**
 * Human passages for the HC3-Plus-style detection study (spec §6.4): a prompt of the first 16
 * words of a held-out passage and the human continuation after it, which ends at a sentence end
 * once it has 48 words (at most 128). `prompt + human` is the exact passage (the continuation
 * keeps its leading whitespace); `humanWords`/`humanChars` are the length targets for generated
 * continuations. Passages start at sentence starts and do not overlap; at most 400 per source,
 * seeded, so no source dominates.
 */
export const DETECTION_SOURCES = ['brown', 'sotu', 'moby', 'email'] as const;
const PROMPT_WORDS = 16;
const MIN_HUMAN_WORDS = 48;
const MAX_HUMAN_WORDS = 128;
const MAX_PER_SOURCE = 400;

export function buildDetection(seed = 0): DetectionSetItem[] {
  return DETECTION_SOURCES.flatMap((source) => {
    const docs = heldOut(source).filter((d) => source !== 'email' || d.meta?.label === 'ham');
    const passages = docs.flatMap(passagesOf);
    const kept = new Set(sample(passages, MAX_PER_SOURCE, createRng(seed, `detection-prompts:${source}`)));
    return passages.filter((p) => kept.has(p)); // corpus order, for readable files
  });
}

function passagesOf(doc: CorpusDocument): DetectionSetItem[] {
  const { text } = doc;
  const spans = sentenceSpans(text);
  const out: DetectionSetItem[] = [];
  for (let i = 0; i < spans.length; ) {
    const start = spans[i].start;
    const promptEnd = endOfWord(text, start, PROMPT_WORDS);
    let j = i;
    while (j < spans.length && wordsIn(text, promptEnd, spans[j].end) < MIN_HUMAN_WORDS) j++;
    if (promptEnd < 0 || j >= spans.length) break;
    const humanWords = wordsIn(text, promptEnd, spans[j].end);
    if (humanWords > MAX_HUMAN_WORDS || promptEnd >= spans[j].end) {
      i = j + 1; // a run-on "sentence" (lists, verse, code): skip past it
      continue;
    }
    const human = text.slice(promptEnd, spans[j].end);
    out.push({
      id: `${doc.source}:${doc.id}:${i}`, source: doc.source, docId: doc.id, split: doc.split as 'valid' | 'test',
      prompt: text.slice(start, promptEnd), human, humanWords, humanChars: human.length, promptWords: PROMPT_WORDS,
    });
    i = j + 1;
  }
  return out;
}

/** Offset just after the `n`-th word starting at `from`, or -1 when the text has fewer words. */
function endOfWord(text: string, from: number, n: number): number {
  const re = /\S+/g;
  re.lastIndex = from;
  let end = -1;
  for (let k = 0; k < n; k++) {
    const m = re.exec(text);
    if (!m) return -1;
    end = m.index + m[0].length;
  }
  return end;
}
