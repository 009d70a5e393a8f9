import type { TrainedTokenizer } from '@labbench/core';
import { Rng, deriveSeed } from '@labbench/core';
import { sampleToken } from '@labbench/tensor';
import { concat, generateTokens, wordStartTokens, type Decoding, type TokenLM } from './lm.js';
import { normalForm, wordsOf } from './normal-form.js';

/**
 * The three tasks of spec 6.4. A (free continuation) is the analogue of HC3's question answering:
 * the content is not fixed. B1 (span infilling) and B2 (lexical paraphrase) are the
 * semantic-invariant analogues: most of the machine text is the human text, and the model only
 * chooses the words of the edited places.
 */
export type TaskId = 'A' | 'B1' | 'B2';
export const TASKS: readonly TaskId[] = ['A', 'B1', 'B2'];

/** One generation job: the human passage and what the generator may see. */
export interface TaskInput {
  /** The human opening before the passage (the set's 16-word prompt), normal form. */
  readonly prompt: string;
  /** The human passage (already cut to the classified length), normal form. */
  readonly human: string;
  readonly seed: number;
}

const STOPWORDS = new Set(('the of and to a in that is was he for it with as his on be at by i this had not are but from or have an they which one you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people mr how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three').split(' '));

/** The word without leading/trailing punctuation, and the punctuation around it. */
function splitPunctuation(word: string): { lead: string; core: string; trail: string } {
  const m = /^([^A-Za-z]*)([A-Za-z]+(?:[-'][A-Za-z]+)*)([^A-Za-z]*)$/.exec(word);
  return m ? { lead: m[1], core: m[2], trail: m[3] } : { lead: '', core: '', trail: word };
}

/** A content word: alphabetic, at least 3 letters, not a stopword. */
export function isContentWord(word: string): boolean {
  const { core } = splitPunctuation(word);
  return /^[A-Za-z]{3,}$/.test(core) && !STOPWORDS.has(core.toLowerCase());
}

/** Gives `word` the capitalisation pattern of `like` (all caps, initial capital or as is). */
export function matchCase(word: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return word.toUpperCase();
  if (like[0] === like[0].toUpperCase()) return word[0].toUpperCase() + word.slice(1);
  return word.toLowerCase();
}

/** Task A: the generator continues the prompt for `maxTokens` tokens. */
export function freeContinuations(lm: TokenLM, tokenizer: TrainedTokenizer, inputs: readonly TaskInput[], maxTokens: readonly number[], decoding: Decoding): string[] {
  const contexts = inputs.map((x) => tokenizer.encode(x.prompt));
  const seeds = inputs.map((x) => deriveSeed(x.seed, 'A'));
  return generateTokens(lm, contexts, maxTokens, decoding, seeds, tokenizer.eosId, wordStartTokens(tokenizer)).map((ids) => normalForm(tokenizer.decode(ids)));
}

/** Chooses 1-3 non-overlapping spans covering about `fraction` of the words (never the first word). */
export function chooseSpans(wordCount: number, fraction: number, rng: Rng): { start: number; end: number }[] {
  if (wordCount < 4) return [];
  const masked = Math.max(1, Math.round(fraction * wordCount));
  const spans = Math.min(rng.int(1, 3), masked);
  const lengths = Array.from({ length: spans }, (_, i) => Math.floor(masked / spans) + (i < masked % spans ? 1 : 0));
  const out: { start: number; end: number }[] = [];
  // place spans left to right in equal segments after word 0, so they never touch
  const segment = Math.floor((wordCount - 1) / spans);
  for (let s = 0; s < spans; s++) {
    const from = 1 + s * segment;
    const len = Math.min(lengths[s], Math.max(1, segment - 1));
    const start = from + rng.int(0, Math.max(0, segment - 1 - len));
    out.push({ start, end: Math.min(wordCount, start + len) });
  }
  return out;
}

/**
 * Task B1: masks 15-30% of the words in 1-3 spans and fills each span, left to right, with a
 * continuation of the same number of tokens from the left context; of `candidates` samples the one
 * under which the next 8 words of the right context are most likely is kept.
 */
export function spanInfill(lm: TokenLM, tokenizer: TrainedTokenizer, input: TaskInput, decoding: Decoding, candidates: number): { text: string; maskedWords: number } {
  const rng = new Rng(deriveSeed(input.seed, 'B1'));
  let words = wordsOf(input.human);
  const spans = chooseSpans(words.length, 0.15 + 0.15 * rng.float(), rng);
  let shift = 0;
  let maskedWords = 0;
  for (const [k, span] of spans.entries()) {
    const start = span.start + shift;
    const end = span.end + shift;
    const left = tokenizer.encode(normalForm(`${input.prompt} ${words.slice(0, start).join(' ')}`));
    const original = tokenizer.encode(' ' + words.slice(start, end).join(' '));
    const right = tokenizer.encode(' ' + words.slice(end, end + 8).join(' '));
    const count = decoding.temperature <= 0 ? 1 : candidates;
    const fills = generateTokens(lm, Array(count).fill(left), Array(count).fill(original.length), decoding,
      Array.from({ length: count }, (_, c) => deriveSeed(input.seed, `B1#${k}#${c}`)), tokenizer.eosId, wordStartTokens(tokenizer))
      .filter((ids) => wordsOf(normalForm(tokenizer.decode(ids))).length > 0);
    if (fills.length === 0) continue;
    const scores = words.length > end ? lm.sequenceLogProb(fills.map((f) => ({ context: concat(left, f), tokens: right }))) : fills.map(() => 0);
    const best = fills[scores.indexOf(Math.max(...scores))];
    const filled = wordsOf(normalForm(tokenizer.decode(best)));
    words = [...words.slice(0, start), ...filled, ...words.slice(end)];
    shift += filled.length - (end - start);
    maskedWords += end - start;
  }
  return { text: normalForm(words.join(' ')), maskedWords };
}

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
 * Task B2 (and DetectGPT's perturbation): replaces about `fraction` of the content words, each by a
 * whole-word token the model proposes from the original left context (excluding the original word),
 * drawn with the decoding setting; capitalisation and punctuation of the original are kept.
 */
export function lexicalParaphrase(lm: TokenLM, tokenizer: TrainedTokenizer, input: TaskInput, decoding: Decoding, fraction: number | undefined, label = 'B2'): { text: string; substituted: number } {
  const rng = new Rng(deriveSeed(input.seed, label));
  const words = wordsOf(input.human);
  const content = words.map((w, i) => (isContentWord(w) ? i : -1)).filter((i) => i >= 0);
  const share = fraction ?? 0.2 + 0.2 * rng.float();
  const chosen = rng.shuffle([...content]).slice(0, Math.max(content.length > 0 ? 1 : 0, Math.round(share * content.length))).sort((a, b) => a - b);
  if (chosen.length === 0) return { text: input.human, substituted: 0 };
  const vocabulary = wordTokens(tokenizer);
  const contexts = chosen.map((i) => tokenizer.encode(normalForm(`${input.prompt} ${words.slice(0, i).join(' ')}`)));
  const distributions = lm.nextLogProbs(contexts);
  const out = [...words];
  let substituted = 0;
  chosen.forEach((i, k) => {
    const { lead, core, trail } = splitPunctuation(words[i]);
    const lp = distributions[k];
    const masked = new Float32Array(lp.length).fill(-Infinity);
    for (const [id, word] of vocabulary) if (word.toLowerCase() !== core.toLowerCase()) masked[id] = lp[id];
    if (vocabulary.size === 0) return;
    const id = sampleToken(masked, { maxTokens: 1, temperature: decoding.temperature, topK: decoding.topK, topP: decoding.topP, seed: 0 }, rng);
    const word = vocabulary.get(id);
    if (!word || !Number.isFinite(masked[id])) return;
    out[i] = `${lead}${matchCase(word, core)}${trail}`;
    substituted++;
  });
  return { text: normalForm(out.join(' ')), substituted };
}
