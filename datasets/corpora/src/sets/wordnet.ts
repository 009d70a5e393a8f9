import { wordnetSynsets } from '../corpora.js';
import type { MultipleChoiceSetItem } from '../schemas.js';
import type { Synset } from '../sources/wordnet.js';
import { createRng, randomInt, shuffled, type Rng } from '../text/random.js';
import { placeAnswer } from './candidates.js';

/**
 * Two zero-shot multiple-choice sets from WordNet, which no mixture trains on (notes §4b):
 * - fill: an example sentence with the synset's own lemma blanked; the options complete the
 *   sentence with each lemma (so the words after the blank are scored too);
 * - gloss: a definition, and which lemma it defines.
 * Distractor lemmas come from other synsets of the same part of speech and lexicographer file,
 * with the same number of words, never a lemma of the answer's synset and never a word already in
 * the sentence. 2,000 seeded items each: enough for a tight accuracy interval, small files.
 */
const MAX_ITEMS = 2000;
const GLOSS_TEMPLATE = (definition: string): string => `"${definition}" is the meaning of the word`;

export function buildWordnetFill(seed = 0): MultipleChoiceSetItem[] {
  const rng = createRng(seed, 'mc-wordnet-fill');
  const pools = lemmaPools();
  const items: MultipleChoiceSetItem[] = [];
  for (const synset of shuffled(wordnetSynsets().filter((s) => s.examples.length > 0), rng)) {
    if (items.length >= MAX_ITEMS) break;
    const blank = findBlank(synset);
    if (!blank) continue;
    const distractors = pickDistractors(synset, blank.lemma, blank.example, pools, rng);
    if (!distractors) continue;
    const rest = blank.example.slice(blank.end);
    const context = blank.example.slice(0, blank.start).trimEnd();
    const { choices, label } = placeAnswer(` ${blank.lemma}${rest}`, distractors.map((d) => ` ${d}${rest}`), rng);
    items.push({ id: `wordnet:${synset.id}`, source: 'wordnet', docId: synset.id, split: 'test', context, choices, label });
  }
  return items;
}

export function buildGlossLemma(seed = 0): MultipleChoiceSetItem[] {
  const rng = createRng(seed, 'mc-gloss-lemma');
  const pools = lemmaPools();
  const items: MultipleChoiceSetItem[] = [];
  for (const synset of shuffled(wordnetSynsets(), rng)) {
    if (items.length >= MAX_ITEMS) break;
    const lemma = synset.lemmas[0];
    if (!/^[a-z]+$/.test(lemma) || synset.definition.split(' ').length < 3 || hasWord(synset.definition, lemma)) continue;
    const distractors = pickDistractors(synset, lemma, synset.definition, pools, rng);
    if (!distractors) continue;
    const { choices, label } = placeAnswer(` ${lemma}`, distractors.map((d) => ` ${d}`), rng);
    items.push({ id: `wordnet:${synset.id}`, source: 'wordnet', docId: synset.id, split: 'test', context: GLOSS_TEMPLATE(synset.definition), choices, label });
  }
  return items;
}

/** The first lemma that occurs verbatim (case-sensitive, whole words) in an example, after at least one word. */
function findBlank(synset: Synset): { lemma: string; example: string; start: number; end: number } | undefined {
  for (const example of synset.examples) {
    for (const lemma of synset.lemmas) {
      const match = new RegExp(`(?<=\\S\\s+)(?<![\\w'-])${escape(lemma)}(?![\\w'-])`).exec(example);
      if (match) return { lemma, example, start: match.index, end: match.index + lemma.length };
    }
  }
  return undefined;
}

type Pools = Map<string, string[]>;

let memo: Pools | undefined;

/** Distinct lemmas per `pos|lexfile|word count` (built once per process). */
function lemmaPools(): Pools {
  if (memo) return memo;
  const pools = new Map<string, Set<string>>();
  for (const s of wordnetSynsets()) {
    for (const lemma of s.lemmas) {
      const key = poolKey(s, lemma);
      const set = pools.get(key) ?? new Set<string>();
      set.add(lemma);
      pools.set(key, set);
    }
  }
  memo = new Map([...pools].map(([k, v]) => [k, [...v].sort()]));
  return memo;
}

const poolKey = (s: Synset, lemma: string): string => `${s.pos}|${s.lexfile}|${lemma.split(' ').length}`;

function pickDistractors(synset: Synset, lemma: string, text: string, pools: Pools, rng: Rng): string[] | undefined {
  const own = new Set(synset.lemmas.map((l) => l.toLowerCase()));
  const pool = pools.get(poolKey(synset, lemma)) ?? [];
  // Draw a few at random and filter, instead of filtering the whole pool (some pools hold 10k+ lemmas).
  const picked = new Set<string>();
  for (let tries = 0; tries < 60 && picked.size < 3; tries++) {
    if (pool.length === 0) break;
    const candidate = pool[randomInt(rng, pool.length)];
    const lower = candidate.toLowerCase();
    // Same capitalisation as the answer: a proper noun among common nouns would give the answer away.
    if (isCapitalised(candidate) !== isCapitalised(lemma)) continue;
    if (own.has(lower) || hasWord(text, candidate) || [...picked].some((p) => p.toLowerCase() === lower)) continue;
    picked.add(candidate);
  }
  return picked.size === 3 ? [...picked] : undefined;
}

const isCapitalised = (word: string): boolean => word[0] !== word[0].toLowerCase();

function hasWord(text: string, word: string): boolean {
  return new RegExp(`(?<![\\w'-])${escape(word)}(?![\\w'-])`, 'i').test(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
