import type { TrainedTokenizer } from '@labbench/core';
import { Rng, deriveSeed } from '@labbench/core';
import { normalForm, wordsOf } from '../normal-form.js';
import { sampleAllowed, type Decoding, type TokenLM } from '../lm.js';
import { isContentWord, splitPunctuation } from '../semantic-link.js';
import { matchCase } from '../tasks.js';

/** Token ids that decode to ' ' + letters (whole-word proposals), computed once per tokenizer. */
const wordTokenCache = new WeakMap<TrainedTokenizer, Map<number, string>>();
export function wordTokens(tokenizer: TrainedTokenizer): Map<number, string> {
  let found = wordTokenCache.get(tokenizer);
  if (!found) {
    found = new Map();
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      if (id === tokenizer.eosId) continue;
      const text = tokenizer.decode([id]);
      if (/^ [A-Za-z]{2,}$/.test(text)) found.set(id, text.slice(1));
    }
    wordTokenCache.set(tokenizer, found);
  }
  return found;
}

/**
 * DetectGPT's perturbation (and the old B2 task, kept only as the counter-example of the B-task
 * tests): replaces `fraction` of the content words of `text`, each by a whole-word token the model
 * proposes from the original left context (never the original word), drawn with `decoding`;
 * capitalisation and punctuation of the original are kept.
 */
export function substituteWords(lm: TokenLM, tokenizer: TrainedTokenizer, input: { prompt: string; text: string; seed: number }, decoding: Decoding, fraction: number, label: string): string {
  const rng = new Rng(deriveSeed(input.seed, label));
  const words = wordsOf(input.text);
  const content = words.map((w, i) => (isContentWord(w) ? i : -1)).filter((i) => i >= 0);
  const chosen = rng.shuffle([...content]).slice(0, Math.max(content.length > 0 ? 1 : 0, Math.round(fraction * content.length))).sort((a, b) => a - b);
  const vocabulary = wordTokens(tokenizer);
  if (chosen.length === 0 || vocabulary.size === 0) return input.text;
  const contexts = chosen.map((i) => tokenizer.encode(normalForm(`${input.prompt} ${words.slice(0, i).join(' ')}`)));
  const distributions = lm.nextLogProbs(contexts);
  const out = [...words];
  chosen.forEach((i, k) => {
    const { lead, core, trail } = splitPunctuation(words[i]);
    const lp = distributions[k];
    const masked = new Float32Array(lp.length).fill(-Infinity);
    for (const [id, word] of vocabulary) if (word.toLowerCase() !== core.toLowerCase()) masked[id] = lp[id];
    const id = sampleAllowed(masked, decoding, rng);
    const word = vocabulary.get(id);
    if (word && Number.isFinite(masked[id])) out[i] = `${lead}${matchCase(word, core)}${trail}`;
  });
  return normalForm(out.join(' '));
}
