import type { DetectionPrompt, TrainedTokenizer } from '@labbench/core';
import { Rng } from '@labbench/core';
import { bpe } from '@labbench/plugin-bpe';

// Function words (stopwords) and ten topics of content words: documents of different topics share
// no content word, as passages of different held-out documents mostly do not.
const FUNCTION = 'the of and to a in that was for on with as by at from it he she they had'.split(' ');
const TOPICS = [
  'committee budget approved council members finance report session',
  'harbour ships captain crew sailed storm anchor voyage',
  'election voters ballot candidate district campaign polls results',
  'patch machine kernel server compiler build error release',
  'river bridge flood rain valley water banks village',
  'garden flowers roses soil seeds spring summer planted',
  'doctor patient hospital fever medicine nurse clinic treatment',
  'railway station train engine tracks passengers ticket platform',
  'market prices trade farmers wheat cotton exports grain',
  'school teacher pupils lesson books classroom reading grammar',
].map((t) => t.split(' '));

/** Seeded pseudo-English of `words` words on one topic, with sentence capitals and full stops. */
export function pseudoText(rng: Rng, words: number, topic = 0): string {
  const out: string[] = [];
  const content = TOPICS[topic % TOPICS.length];
  for (let i = 0; i < words; i++) {
    const pool = i % 2 === 0 ? FUNCTION : content;
    let w = pool[rng.int(0, pool.length - 1)];
    if (i === 0 || out[i - 1].endsWith('.')) w = w[0].toUpperCase() + w.slice(1);
    out.push(i % 9 === 8 ? `${w}.` : w);
  }
  return out.join(' ');
}

export const CORPUS = Array.from({ length: 40 }, (_, i) => pseudoText(new Rng(i), 60, i));

let cached: TrainedTokenizer | undefined;
/** A small byte-level BPE trained on the pseudo corpus (every word of it is a whole-word token). */
export function tinyTokenizer(): TrainedTokenizer {
  cached ??= bpe.train(CORPUS, { vocabSize: 400 });
  return cached;
}

/** Detection prompts from `documents` pseudo documents (several passages each, one topic per document). */
export function tinyPrompts(documents: number, perDocument = 2): DetectionPrompt[] {
  const out: DetectionPrompt[] = [];
  for (let d = 0; d < documents; d++) {
    for (let k = 0; k < perDocument; k++) {
      const rng = new Rng(1000 + d * 10 + k);
      out.push({ id: `doc${d}#${k}`, source: d % 2 === 0 ? 'brown' : 'sotu', docId: `doc${d}`, prompt: pseudoText(rng, 16, d), human: ' ' + pseudoText(rng, 40, d) });
    }
  }
  return out;
}
