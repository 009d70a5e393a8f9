import type { CorpusDocument } from '../core.js';
import { heldOut } from '../corpora.js';
import type { DialogueSetItem } from '../schemas.js';
import { countWords } from '../text/normalize.js';
import { paragraphSpans } from '../text/sentences.js';
import { candidate, dialogueItems, type Exchange } from './dialogue.js';

/**
 * Fiction dialogue (spec §6.5 S2): in held-out Brown fiction (genres K-R) and Moby-Dick chapters,
 * a paragraph that opens with a quotation mark is an utterance, and a run of consecutive such
 * paragraphs is a session. Each utterance after the first is a response to up to 5 earlier ones.
 * Speakers are not marked in either corpus, so turns are paragraphs, narration included.
 * Hard negatives come from the same document (chapter or Brown file).
 */
const MAX_CONTEXT_TURNS = 5;
const MIN_RESPONSE_WORDS = 2;
const OPENS_WITH_QUOTE = /^["\u201c]/;

export function buildFictionDialogue(variant: 'random' | 'hard', seed = 0): DialogueSetItem[] {
  return (['brown', 'moby'] as const).flatMap((source) => {
    const docs = heldOut(source).filter((d) => source === 'moby' || d.meta?.group === 'fiction');
    const sessions = docs.flatMap((doc) => quotedRuns(doc).map((run) => ({ doc, run })));
    const exchanges: Exchange[] = sessions.flatMap(({ doc, run }) =>
      run.slice(1).flatMap((response, j) => {
        if (countWords(response.text) < MIN_RESPONSE_WORDS) return [];
        const turns = run.slice(Math.max(0, j + 1 - MAX_CONTEXT_TURNS), j + 1).map((u) => u.text);
        return [{ source, docId: doc.id, threadId: doc.id, split: doc.split as 'valid' | 'test', turns, response: response.text, key: `${source}:${doc.id}:${response.paragraph}` }];
      }),
    );
    const all = sessions.flatMap(({ doc, run }) => run.map((u) => candidate(u.text, doc.id)));
    return dialogueItems(exchanges, { all }, variant, seed, `dialogue-fiction:${source}`);
  });
}

/** Runs of consecutive quoted paragraphs (at least two), with their paragraph index. */
function quotedRuns(doc: CorpusDocument): Array<Array<{ text: string; paragraph: number }>> {
  const runs: Array<Array<{ text: string; paragraph: number }>> = [];
  let run: Array<{ text: string; paragraph: number }> = [];
  paragraphSpans(doc.text).forEach((p, paragraph) => {
    const text = doc.text.slice(p.start, p.end);
    if (OPENS_WITH_QUOTE.test(text)) {
      run.push({ text, paragraph });
      return;
    }
    if (run.length >= 2) runs.push(run);
    run = [];
  });
  if (run.length >= 2) runs.push(run);
  return runs;
}
