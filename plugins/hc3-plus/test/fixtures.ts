import type { DetectionPrompt, TrainedTokenizer } from '@labbench/core';
import { Rng } from '@labbench/core';
import { bpe } from '@labbench/plugin-bpe';

const WORDS = ('the committee met on friday and approved budget for coming year she walked down to harbour watch ships come in every member of crew knew captain would not turn back report found no evidence that election had been irregular he wrote next morning say patch worked his machine rain fell all night by river risen past bridge').split(' ');

/** Seeded pseudo-English text of `words` words with sentence capitals and full stops. */
export function pseudoText(rng: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = WORDS[rng.int(0, WORDS.length - 1)];
    if (i === 0 || out[i - 1].endsWith('.')) w = w[0].toUpperCase() + w.slice(1);
    out.push(i % 9 === 8 ? `${w}.` : w);
  }
  return out.join(' ');
}

export const CORPUS = Array.from({ length: 40 }, (_, i) => pseudoText(new Rng(i), 60));

let cached: TrainedTokenizer | undefined;
/** A small byte-level BPE trained on the pseudo corpus (whole-word tokens exist for B2). */
export function tinyTokenizer(): TrainedTokenizer {
  cached ??= bpe.train(CORPUS, { vocabSize: 400 });
  return cached;
}

/** Detection prompts from `documents` pseudo documents (several passages each). */
export function tinyPrompts(documents: number, perDocument = 2): DetectionPrompt[] {
  const out: DetectionPrompt[] = [];
  for (let d = 0; d < documents; d++) {
    for (let k = 0; k < perDocument; k++) {
      const rng = new Rng(1000 + d * 10 + k);
      out.push({ id: `doc${d}#${k}`, source: d % 2 === 0 ? 'brown' : 'sotu', docId: `doc${d}`, prompt: pseudoText(rng, 16), human: ' ' + pseudoText(rng, 40) });
    }
  }
  return out;
}
