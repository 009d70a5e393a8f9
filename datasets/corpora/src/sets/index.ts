import { ConfigError, suggest } from '../core.js';
import type { CorpusName } from '../corpora.js';
import type { ItemType } from '../schemas.js';
import { buildCloze } from './cloze.js';
import { buildDetection } from './detection.js';
import { buildEmailDialogue } from './dialogue-email.js';
import { buildFictionDialogue } from './dialogue-fiction.js';
import { buildNextSentence } from './next-sentence.js';
import { buildGenreProbe, buildSpamProbe } from './probes.js';
import { buildGlossLemma, buildWordnetFill } from './wordnet.js';

/**
 * The evaluation sets. `version` goes into the file name and the cache fingerprint: bump it on any
 * change to a builder's behaviour so that cached files are rebuilt, and so results name the exact
 * set they were scored on. Every builder is deterministic (fixed seed 0) and reads only valid and
 * test documents.
 */
export interface SetDefinition {
  readonly name: string;
  readonly version: number;
  readonly itemType: ItemType;
  readonly description: string;
  /** Corpora the builder reads (their package versions go into the fingerprint). */
  readonly corpora: readonly CorpusName[];
  build(): readonly object[];
}

export const SETS: readonly SetDefinition[] = [
  { name: 'cloze-lambada', version: 1, itemType: 'cloze', corpora: ['brown', 'sotu', 'moby'], description: 'sentence-final content word that also occurs in the preceding context', build: () => buildCloze('lambada') },
  { name: 'cloze-lastword', version: 1, itemType: 'cloze', corpora: ['brown', 'sotu', 'moby'], description: 'sentence-final content word, unfiltered', build: () => buildCloze('lastword') },
  { name: 'mc-next-sentence', version: 1, itemType: 'multiple-choice', corpora: ['brown', 'sotu', 'moby'], description: 'true next sentence vs 3 length-matched sentences of other held-out documents', build: () => buildNextSentence() },
  { name: 'mc-wordnet-fill', version: 1, itemType: 'multiple-choice', corpora: ['wordnet'], description: 'WordNet example with its lemma blanked; 4 lemmas of the same POS and lexicographer file', build: () => buildWordnetFill() },
  { name: 'mc-gloss-lemma', version: 1, itemType: 'multiple-choice', corpora: ['wordnet'], description: 'WordNet definition; which of 4 lemmas it defines', build: () => buildGlossLemma() },
  { name: 'dialogue-email-random', version: 1, itemType: 'dialogue', corpora: ['email'], description: 'e-mail reply vs 9 replies from other held-out threads', build: () => buildEmailDialogue('random') },
  { name: 'dialogue-email-hard', version: 1, itemType: 'dialogue', corpora: ['email'], description: 'e-mail reply vs 9 messages of the same thread, then the same list', build: () => buildEmailDialogue('hard') },
  { name: 'dialogue-fiction-random', version: 1, itemType: 'dialogue', corpora: ['brown', 'moby'], description: 'quoted-speech turn vs 9 turns of other held-out fiction documents', build: () => buildFictionDialogue('random') },
  { name: 'dialogue-fiction-hard', version: 1, itemType: 'dialogue', corpora: ['brown', 'moby'], description: 'quoted-speech turn vs 9 turns of the same document first', build: () => buildFictionDialogue('hard') },
  { name: 'detection-prompts', version: 1, itemType: 'detection', corpora: ['brown', 'sotu', 'moby', 'email'], description: '16-word prompts and human continuations (48-128 words) of held-out passages', build: () => buildDetection() },
  { name: 'probe-spam', version: 1, itemType: 'probe', corpora: ['email'], description: 'held-out e-mail, ham vs spam, balanced per split', build: () => buildSpamProbe() },
  { name: 'probe-genre', version: 1, itemType: 'probe', corpora: ['brown'], description: 'held-out Brown passages, press / nonfiction / fiction', build: () => buildGenreProbe() },
];

export function setDefinition(name: string, where = 'evalData.set'): SetDefinition {
  const found = SETS.find((s) => s.name === name);
  if (!found) throw new ConfigError(where, `unknown evaluation set '${name}'`, suggest(name, SETS.map((s) => s.name)));
  return found;
}
