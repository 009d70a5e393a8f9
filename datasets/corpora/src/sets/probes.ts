import { corpus, heldOut } from '../corpora.js';
import type { ProbeItem } from '../schemas.js';
import { chunkText } from '../text/chunks.js';
import { countWords, truncateAtWord } from '../text/normalize.js';
import { createRng, sample } from '../text/random.js';

/**
 * Labelled held-out texts for classification probes (notes §4b). Items keep their document's
 * split, so a probe is fitted on `valid` and scored on `test` (passages of one document never end
 * up on both sides).
 */
const MAX_PROBE_CHARS = 2000;
const MIN_PROBE_WORDS = 5;
const GENRE_PASSAGE_CHARS = 1200;
const MIN_GENRE_WORDS = 100;

/**
 * Spam vs ham: e-mail new text from threads outside the training split, classes balanced within
 * each split by a seeded subsample of the larger class. `fineLabel` is the SpamAssassin group.
 */
export function buildSpamProbe(seed = 0): ProbeItem[] {
  const docs = corpus('email').filter((d) => d.split !== 'train' && countWords(d.text) >= MIN_PROBE_WORDS);
  const items: ProbeItem[] = [];
  for (const split of ['valid', 'test'] as const) {
    const ofSplit = docs.filter((d) => d.split === split);
    const ham = ofSplit.filter((d) => d.meta?.label === 'ham');
    const spam = ofSplit.filter((d) => d.meta?.label === 'spam');
    const n = Math.min(ham.length, spam.length);
    const rng = createRng(seed, `probe-spam:${split}`);
    const kept = new Set([...sample(ham, n, rng), ...sample(spam, n, rng)]);
    for (const d of ofSplit.filter((doc) => kept.has(doc))) {
      items.push({ id: `email:${d.id}`, source: 'email', docId: d.id, split, text: truncateAtWord(d.text, MAX_PROBE_CHARS), label: d.meta!.label, fineLabel: d.meta!.group });
    }
  }
  return items;
}

/**
 * Brown genre: passages of about 1,200 characters (at least 100 words) of held-out Brown
 * documents. `label` is the coarse group (press, nonfiction, fiction), because the 52 held-out
 * documents do not cover all 15 genres in both splits; `fineLabel` is the genre.
 */
export function buildGenreProbe(): ProbeItem[] {
  return heldOut('brown').flatMap((d) =>
    chunkText(d.text, GENRE_PASSAGE_CHARS)
      .filter((p) => countWords(p) >= MIN_GENRE_WORDS)
      .map((text, k) => ({ id: `brown:${d.id}:${k}`, source: 'brown', docId: d.id, split: d.split as 'valid' | 'test', text, label: d.meta!.group, fineLabel: d.meta!.genre })),
  );
}
