import { Rng } from '@labbench/core';
import { sampleAllowed, type Decoding, type TokenLM } from './lm.js';

/**
 * Generation conditioned on a human text's content (the B tasks): the generator writes every token
 * itself, left to right from the human prompt, and a plan of content words taken from the human
 * text is worked in, in order, each after a few words of the generator's own (a free word always
 * separates two plan words). Tiny LMs cannot follow an instruction such as "paraphrase this", so
 * the plan is how the human text conditions them: the analogue of a paraphrase or a summary that
 * keeps the content and changes the wording. Two rules keep the text the generator's:
 * - no span of `maxCopy + 1` tokens may repeat the source verbatim: free tokens that would
 *   complete one are masked, and a plan word that would complete one waits for another free word;
 * - plan words are whole words (` word`), inserted where the generator would start a new word (or
 *   after a few tokens at most), and the token after one must open a new word or be punctuation
 *   (no `budget` + `s`), so the word stays the plan's.
 */
export interface PlanJob {
  /** The generator's left context (the human prompt's tokens). */
  readonly context: Int32Array;
  /** Token ids of ` word` for every plan word, in order. */
  readonly plan: readonly Int32Array[];
  /** Tokens of the human source text (copy blocking). */
  readonly source: Int32Array;
  /** Words of the text to write: sets the mean gap between plan words. */
  readonly targetWords: number;
  /** Stop once the plan is done and at least this many tokens are written. */
  readonly targetTokens: number;
  readonly seed: number;
}

/** The longest verbatim span allowed, in tokens (spans of 5 or more are what the B-task check counts). */
export const MAX_COPY = 4;
const MAX_GAP = 6;
const MAX_DELAYS = 3;

interface State {
  readonly job: PlanJob;
  readonly rng: Rng;
  readonly out: number[];
  /** Next tokens of the plan word being written. */
  forced: number[];
  next: number;
  gap: number;
  gapTarget: number;
  waited: number;
  /** Free tokens since the last plan word (or the start). */
  sinceLast: number;
  delays: number;
  /** The last token closed a plan word: the next may not continue that word. */
  afterPlan: boolean;
  /** source (MAX_COPY)-gram -> the tokens that follow it in the source. */
  readonly follows: Map<string, Set<number>>;
}

const key = (tokens: ArrayLike<number>, end: number): string => Array.prototype.slice.call(tokens, end - MAX_COPY, end).join(',');

function followers(source: Int32Array): Map<string, Set<number>> {
  const map = new Map<string, Set<number>>();
  for (let i = MAX_COPY; i < source.length; i++) {
    const k = key(source, i);
    const set = map.get(k) ?? new Set<number>();
    set.add(source[i]);
    map.set(k, set);
  }
  return map;
}

/**
 * Whether appending a plan word's `tokens` to `out` would complete a verbatim source span longer
 * than MAX_COPY that reaches back into the generator's own tokens (a long plan word alone, five
 * tokens of one rare word, is the plan, not copied phrasing).
 */
function copies(state: State, tokens: readonly number[]): boolean {
  const seq = [...state.out, ...tokens];
  for (let end = Math.max(MAX_COPY, state.out.length); end < Math.min(seq.length, state.out.length + MAX_COPY); end++) {
    if (state.follows.get(key(seq, end))?.has(seq[end])) return true;
  }
  return false;
}

function drawGap(state: State): number {
  const { plan, targetWords } = state.job;
  const mean = Math.max(1, (targetWords - plan.length) / Math.max(1, plan.length));
  const g = Math.floor(mean) + (state.rng.float() < mean - Math.floor(mean) ? 1 : 0);
  const min = state.next === 0 ? 0 : 1;
  return Math.min(MAX_GAP, Math.max(min, state.next === 0 ? state.rng.int(0, g) : g));
}

/**
 * Generates every job in lock-step (one batched LM call per step); deterministic for the seeds.
 * `wordStarts`: ids that open a new word; `boundaries`: ids that may follow a complete word, true
 * when they start with whitespace (until one of those, a plan word may only be followed by punctuation).
 */
export function planGenerate(lm: TokenLM, jobs: readonly PlanJob[], decoding: Decoding, eos: number, wordStarts: ReadonlySet<number>, boundaries: ReadonlyMap<number, boolean>): Int32Array[] {
  const states: State[] = jobs.map((job) => {
    const s: State = { job, rng: new Rng(job.seed), out: [], forced: [], next: 0, gap: 0, gapTarget: 0, waited: 0, sinceLast: 0, delays: 0, afterPlan: false, follows: followers(job.source) };
    s.gapTarget = drawGap(s);
    return s;
  });
  const done = (s: State) => (s.next >= s.job.plan.length && s.forced.length === 0 && s.out.length >= s.job.targetTokens) || s.out.length >= 2 * s.job.targetTokens + 8;
  let active = states.filter((s) => !done(s));
  while (active.length > 0) {
    const free = active.filter((s) => s.forced.length === 0);
    const probs = free.length > 0 ? lm.nextLogProbs(free.map((s) => Int32Array.from([...s.job.context, ...s.out]))) : [];
    free.forEach((s, i) => step(s, probs[i], decoding, eos, wordStarts, boundaries));
    for (const s of active) {
      if (s.forced.length === 0 || free.includes(s)) continue;
      s.out.push(s.forced.shift()!);
      s.afterPlan = s.forced.length === 0;
    }
    active = states.filter((s) => !done(s));
  }
  return states.map((s) => Int32Array.from(s.out));
}

/** One free step: maybe start the next plan word, else sample a token the source-copy rule allows. */
function step(s: State, lp: Float32Array, decoding: Decoding, eos: number, wordStarts: ReadonlySet<number>, boundaries: ReadonlyMap<number, boolean>): void {
  lp[eos] = -Infinity;
  if (s.afterPlan) for (let t = 0; t < lp.length; t++) if (!boundaries.has(t)) lp[t] = -Infinity;
  if (s.out.length >= MAX_COPY) for (const t of s.follows.get(key(s.out, s.out.length)) ?? []) lp[t] = -Infinity;
  if (s.out.length === 0) for (let t = 0; t < lp.length; t++) if (!wordStarts.has(t)) lp[t] = -Infinity; // open with a whole word
  const word = s.job.plan[s.next];
  // a generator that never starts a word (an untrained one) still gets the plan, every few tokens
  const overdue = s.sinceLast >= 3 * s.gapTarget + 4;
  if (word && (s.gap >= s.gapTarget || overdue)) {
    let best = 0;
    for (let t = 1; t < lp.length; t++) if (lp[t] > lp[best]) best = t;
    // insert where the generator would start a word anyway (or after 3 tokens of waiting)
    if (wordStarts.has(best) || s.waited >= 3 || overdue) {
      if (!copies(s, [...word]) || s.delays >= MAX_DELAYS) {
        s.out.push(word[0]);
        s.forced = [...word.slice(1)];
        s.afterPlan = s.forced.length === 0;
        s.next++;
        s.gap = 0;
        s.sinceLast = 0;
        s.waited = 0;
        s.delays = 0;
        if (s.next < s.job.plan.length) s.gapTarget = drawGap(s);
        return;
      }
      s.delays++;
      s.gapTarget = s.gap + 1; // one more word of the generator's own first
    }
    s.waited++;
  }
  const token = sampleAllowed(lp, decoding, s.rng);
  s.out.push(token);
  s.sinceLast++;
  if (s.afterPlan) s.afterPlan = !boundaries.get(token); // punctuation keeps guarding the word; whitespace ends it
  if (wordStarts.has(token)) s.gap++;
}
