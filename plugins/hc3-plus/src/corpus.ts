import type { DetectionPrompt, TrainedTokenizer } from '@labbench/core';
import { Rng, deriveSeed } from '@labbench/core';
import { DECODINGS, type Decoding, type TokenLM } from './lm.js';
import { canonicalText, cutToTokens, normalForm, wordsOf } from './normal-form.js';
import { TASKS, freeContinuations, humanSide, paraphrasePlan, semanticRewrites, type TaskId, type TaskInput } from './tasks.js';

export type SplitName = 'train' | 'valid' | 'test';

/** One stored text of the benchmark, with everything needed to reproduce it. */
export interface Sample {
  readonly id: string;
  /** The human passage (set item) the pair was made from; both texts of a pair share it. */
  readonly itemId: string;
  readonly source: string;
  readonly docId: string;
  readonly split: SplitName;
  readonly task: TaskId;
  /** 1 = machine, 0 = human. */
  readonly label: 0 | 1;
  /** Normal form (see normal-form.ts), length-matched with its pair. */
  readonly text: string;
  /** The whole human passage the pair was made from (B tasks: the source the machine text may not copy). */
  readonly passage: string;
  /** Generator and decoding of the pair (the human text of a pair carries its machine twin's). */
  readonly generator: string;
  readonly decoding: string;
  readonly seed: number;
}

export interface CorpusOptions {
  readonly seed: number;
  /** Generators by id; `heldOutGenerator` and `heldOutDecoding` appear only in the test split. */
  readonly generators: ReadonlyMap<string, TokenLM>;
  readonly heldOutGenerator: string;
  readonly heldOutDecoding: string;
  /** Longest classified text, in tokens (the scorers' window). */
  readonly maxTokens: number;
}

/**
 * Split of a source document by a hash of `source:docId`: 35% train, 15% valid, 50% test. Half goes
 * to test so that a profile's item budget buys the most test items (issue #17 asks for >= 300 test
 * texts per task); detectors still fit on a third of the documents.
 */
export function splitOfDocument(source: string, docId: string): SplitName {
  const bucket = deriveSeed(0x48433350, `${source}:${docId}`) % SPLIT_BUCKETS;
  return bucket < TRAIN_BUCKETS ? 'train' : bucket < TRAIN_BUCKETS + VALID_BUCKETS ? 'valid' : 'test';
}
const SPLIT_BUCKETS = 20;
const TRAIN_BUCKETS = 7;
const VALID_BUCKETS = 3;
/** Expected share of documents outside the training split (valid and test), for cost estimates. */
export const HELD_OUT_SHARE = 1 - TRAIN_BUCKETS / SPLIT_BUCKETS;

/** The longest word prefix of `text` whose length is closest to `target` characters. */
function closestPrefix(text: string, target: number): string {
  const words = wordsOf(text);
  let best = words[0] ?? '';
  let length = best.length;
  for (let k = 1; k < words.length; k++) {
    const next = length + 1 + words[k].length;
    if (Math.abs(next - target) > Math.abs(length - target)) break;
    length = next;
    best = `${best} ${words[k]}`;
  }
  return best;
}

/**
 * Length-matches a pair: the longer text is cut at the word boundary closest to the shorter one's
 * length (from either side), so neither class is systematically longer.
 */
export function matchLengths(human: string, machine: string): { human: string; machine: string } {
  const target = Math.min(human.length, machine.length);
  return { human: closestPrefix(human, target), machine: closestPrefix(machine, target) };
}

interface Job {
  readonly item: DetectionPrompt;
  readonly split: SplitName;
  readonly task: TaskId;
  readonly generator: string;
  readonly decoding: Decoding;
  readonly input: TaskInput;
}

/** Assigns (generator, decoding) per item and task: round-robin over a seeded order of the allowed combinations. */
function assign(items: readonly { item: DetectionPrompt; split: SplitName }[], options: CorpusOptions, task: TaskId): { generator: string; decoding: Decoding }[] {
  const generators = [...options.generators.keys()];
  const combos = (split: SplitName) => generators.flatMap((g) => DECODINGS.map((d) => ({ generator: g, decoding: d })))
    .filter((c) => split === 'test' || (c.generator !== options.heldOutGenerator && c.decoding.id !== options.heldOutDecoding));
  const rng = new Rng(deriveSeed(options.seed, `assign#${task}`));
  const orders = new Map<SplitName, { generator: string; decoding: Decoding }[]>();
  const counters = new Map<SplitName, number>();
  return items.map(({ split }) => {
    if (!orders.has(split)) orders.set(split, rng.shuffle(combos(split)));
    const order = orders.get(split)!;
    const k = counters.get(split) ?? 0;
    counters.set(split, k + 1);
    return order[k % order.length];
  });
}

/**
 * Builds the benchmark deterministically from the seed: for every held-out human passage and
 * task, one machine text from an assigned generator and decoding (A: a continuation of the prompt;
 * B: a rewrite conditioned on the passage's content words, see tasks.ts); then the honesty controls
 * (shared normal form, length matching per pair, de-duplication, labels balanced by pairs).
 */
export function buildCorpus(prompts: readonly DetectionPrompt[], tokenizer: TrainedTokenizer, options: CorpusOptions, log: (m: string) => void = () => {}): Sample[] {
  const baseTokens = Math.max(8, Math.floor(0.9 * options.maxTokens));
  const items = prompts
    .map((item) => ({ item, split: splitOfDocument(item.source, item.docId), prompt: canonicalText(tokenizer, item.prompt), human: cutToTokens(tokenizer, canonicalText(tokenizer, item.human), baseTokens) }))
    .filter((x) => wordsOf(x.human).length >= 8);
  const samples: Sample[] = [];
  for (const task of TASKS) {
    const seen = new Set<string>(); // de-duplication within a task (tasks share their human passages)
    // a B task needs content to carry over: a human side without a content word is no pair for it
    const usable = (human: string) => task === 'A' || paraphrasePlan(humanSide(task, human)).length > 0;
    const jobs: Job[] = assign(items, options, task).map((a, k) => ({
      item: items[k].item, split: items[k].split, task, ...a,
      input: { prompt: items[k].prompt, human: items[k].human, seed: deriveSeed(options.seed, `${task}#${items[k].item.id}`) },
    })).filter((j) => usable(j.input.human));
    const unusable = items.length - jobs.length;
    const machine = new Map<Job, string>();
    const groups = new Map<string, Job[]>(); // one batched generation per (generator, decoding)
    for (const j of jobs) { const key = `${j.generator}/${j.decoding.id}`; groups.set(key, [...(groups.get(key) ?? []), j]); }
    for (const group of groups.values()) {
      const lm = options.generators.get(group[0].generator)!;
      const texts = task === 'A'
        ? freeContinuations(lm, tokenizer, group.map((j) => j.input), group.map((j) => tokenizer.encode(j.input.human).length + 4), group[0].decoding) // slack: matching cuts the longer text
        : semanticRewrites(lm, tokenizer, task, group.map((j) => j.input), group[0].decoding);
      texts.forEach((text, k) => machine.set(group[k], text));
    }
    let dropped = 0;
    for (const j of jobs) {
      const pair = matchLengths(humanSide(task, j.input.human), canonicalText(tokenizer, machine.get(j) ?? ''));
      // de-duplication: an unchanged edit, an empty text or a text already stored drops the whole pair
      if (pair.human === pair.machine || pair.machine.length === 0 || seen.has(pair.human) || seen.has(pair.machine)) { dropped++; continue; }
      seen.add(pair.human);
      seen.add(pair.machine);
      const base = { itemId: j.item.id, source: j.item.source, docId: j.item.docId, split: j.split, task, generator: j.generator, decoding: j.decoding.id, seed: j.input.seed, passage: j.input.human };
      samples.push({ ...base, id: `${task}/${j.item.id}/human`, label: 0, text: pair.human });
      samples.push({ ...base, id: `${task}/${j.item.id}/machine`, label: 1, text: pair.machine });
    }
    log(`task ${task}: ${jobs.length - dropped} pairs (${dropped} dropped as empty or duplicate${unusable > 0 ? `, ${unusable} without a content word on the human side` : ''})`);
  }
  return samples;
}

/** Normal-form check used by tests and at build time: every stored text is its own normal form. */
export function allInNormalForm(samples: readonly Sample[]): boolean {
  return samples.every((s) => normalForm(s.text) === s.text);
}
