import type { TrainedTokenizer } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import { boundaryTokens, generateTokens, wordStartTokens, type Decoding, type TokenLM } from './lm.js';
import { normalForm, wordsOf } from './normal-form.js';
import { planGenerate, type PlanJob } from './planned-generation.js';
import { isContentWord, splitPunctuation } from './semantic-link.js';

/**
 * The tasks, named for what they are (spec 6.4, rebuilt for issue #18):
 * - `A`, free continuation: the analogue of HC3's question answering; the content is not fixed.
 * - `B-para`, paraphrase analogue: the generator rewrites the human passage: it writes every token
 *   itself, working in the passage's content words in their order (planned-generation.ts).
 * - `B-summ`, summary analogue: the generator writes a lead-length text around the passage's key
 *   words (the most repeated content words, then the earliest); the human side is the passage's
 *   own lead (its first half, cut at a sentence end), the human "summary" of the same length.
 * B tasks are semantic-invariant: the content comes from the human text, the wording from the
 * machine. Earlier versions (span infilling, word substitution) kept 60-85% of the human words,
 * so "harder to detect" measured dilution; semantic-link.ts checks that this cannot recur.
 */
export type TaskId = 'A' | 'B-para' | 'B-summ';
export const TASKS: readonly TaskId[] = ['A', 'B-para', 'B-summ'];
export const B_TASKS: readonly TaskId[] = ['B-para', 'B-summ'];

/** One human passage and what the generator may see. */
export interface TaskInput {
  /** The human opening before the passage (the set's 16-word prompt), normal form. */
  readonly prompt: string;
  /** The human passage (already cut to the classified length), normal form. */
  readonly human: string;
  readonly seed: number;
}

/** Gives `word` the capitalisation pattern of `like` (all caps, initial capital or as is). */
export function matchCase(word: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return word.toUpperCase();
  if (like[0] === like[0].toUpperCase()) return word[0].toUpperCase() + word.slice(1);
  return word.toLowerCase();
}

/**
 * The passage's lead: its first sentences up to the sentence end closest to half of its words
 * (between 35% and 65% of them), else exactly its first half of words.
 */
export function leadOf(passage: string): string {
  const words = wordsOf(passage);
  const half = words.length / 2;
  let cut = Math.max(1, Math.round(half));
  let best = Number.POSITIVE_INFINITY;
  words.forEach((w, i) => {
    const n = i + 1;
    if (/[.!?]["')\]]*$/.test(w) && n >= 0.35 * words.length && n <= 0.65 * words.length && Math.abs(n - half) < best) {
      best = Math.abs(n - half);
      cut = n;
    }
  });
  return words.slice(0, cut).join(' ');
}

/** Paraphrase plan: every content word of the passage, in order (the form of its first use kept). */
export function paraphrasePlan(passage: string): string[] {
  return wordsOf(passage).filter(isContentWord).map((w) => splitPunctuation(w).core);
}

/**
 * Summary plan: `size` distinct content words of the passage, the most repeated first, ties by the
 * earliest position (a lead bias, as news summaries have), written in passage order. With `lead`
 * (the summary's human side), at least half of the words come from the lead, so the summary and
 * the lead are about the same content, as a summary and its reference are.
 */
export function summaryPlan(passage: string, size: number, lead?: string): string[] {
  const ranked = rankedContentWords(passage);
  const want = Math.max(0, size);
  const fromLead = lead === undefined ? [] : (() => {
    const inLead = new Set(rankedContentWords(lead).map((c) => c.word.toLowerCase()));
    return ranked.filter((c) => inLead.has(c.word.toLowerCase())).slice(0, Math.ceil(want / 2));
  })();
  const rest = ranked.filter((c) => !fromLead.includes(c)).slice(0, want - fromLead.length);
  return [...fromLead, ...rest].sort((a, b) => a.at - b.at).map((c) => c.word);
}

/** Distinct content words with their count and first position, most repeated first, ties by position. */
function rankedContentWords(passage: string): { word: string; at: number; count: number }[] {
  const first = new Map<string, { word: string; at: number; count: number }>();
  wordsOf(passage).forEach((w, at) => {
    if (!isContentWord(w)) return;
    const core = splitPunctuation(w).core;
    const k = core.toLowerCase();
    const seen = first.get(k);
    if (seen) seen.count++;
    else first.set(k, { word: core, at, count: 1 });
  });
  return [...first.values()].sort((a, b) => b.count - a.count || a.at - b.at);
}

/** Task A: the generator continues the prompt for `maxTokens` tokens. */
export function freeContinuations(lm: TokenLM, tokenizer: TrainedTokenizer, inputs: readonly TaskInput[], maxTokens: readonly number[], decoding: Decoding): string[] {
  const contexts = inputs.map((x) => tokenizer.encode(x.prompt));
  const seeds = inputs.map((x) => deriveSeed(x.seed, 'A'));
  return generateTokens(lm, contexts, maxTokens, decoding, seeds, tokenizer.eosId, wordStartTokens(tokenizer)).map((ids) => normalForm(tokenizer.decode(ids)));
}

/** The human side of a B task: the passage (paraphrase) or its lead (summary). */
export function humanSide(task: TaskId, passage: string): string {
  return task === 'B-summ' ? leadOf(passage) : passage;
}

/** B tasks: one planned generation per input, from the prompt, conditioned on the passage's content words. */
export function semanticRewrites(lm: TokenLM, tokenizer: TrainedTokenizer, task: TaskId, inputs: readonly TaskInput[], decoding: Decoding): string[] {
  const jobs: PlanJob[] = inputs.map((x) => {
    const human = humanSide(task, x.human);
    const plan = task === 'B-summ' ? summaryPlan(x.human, Math.max(2, new Set(paraphrasePlan(human).map((w) => w.toLowerCase())).size), human) : paraphrasePlan(x.human);
    return {
      context: tokenizer.encode(x.prompt),
      plan: plan.map((w) => tokenizer.encode(` ${w}`)),
      source: tokenizer.encode(` ${x.human}`),
      targetWords: wordsOf(human).length,
      targetTokens: tokenizer.encode(` ${human}`).length,
      seed: deriveSeed(x.seed, task),
    };
  });
  return planGenerate(lm, jobs, decoding, tokenizer.eosId, wordStartTokens(tokenizer), boundaryTokens(tokenizer)).map((ids) => normalForm(tokenizer.decode(ids)));
}
