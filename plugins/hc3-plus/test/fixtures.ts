import type { DetectionPrompt, EvalContext, MetricRecord, TrainedTokenizer } from '@labbench/core';
import { Rng } from '@labbench/core';
import { bpe } from '@labbench/plugin-bpe';
import { CausalScorer, DecoderLM, decoderDefaults, initBackend } from '@labbench/tensor';
import { createHc3PlusEvaluator } from '../src/evaluator.js';

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

/**
 * The evaluator end to end on a tiny model and corpus at one seed (about 5 s): the "other half"
 * is a slice of the pseudo corpus and `probe-spam` a small made-up set, so no corpora are loaded.
 */
export async function tinyRun(seed: number, log: (m: string) => void = () => {}): Promise<MetricRecord[]> {
  await initBackend('wasm');
  const tokenizer = tinyTokenizer();
  const T = 20;
  const model = new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 1, heads: 2, ffnHidden: 32, seqLen: T }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed: 1 + seed });
  const scorer = new CausalScorer(model, tokenizer, T, 4);
  const prompts = tinyPrompts(8);
  const spam = Array.from({ length: 16 }, (_, i) => ({ id: `m${i}`, source: 'email', docId: `t${i}`, split: i < 8 ? 'valid' : 'test', label: i % 2 ? 'spam' : 'ham', fineLabel: '', text: i % 2 ? `BUY NOW cheap offer ${i} click here` : `${CORPUS[i].slice(0, 80)}` }));
  const context: EvalContext = {
    seed, limits: { documents: 4, items: 24, maxChars: 2000 }, options: {}, log,
    data: { inDomain: async () => [], outOfDomain: async () => [], set: async <X>(name: string) => (name === 'probe-spam' ? spam : prompts) as unknown as readonly X[] },
  };
  const evaluator = createHc3PlusEvaluator(async () => CORPUS.slice(0, 20));
  const training = { steps: 4, tokens: 4 * 2 * T, wallSeconds: 0, trainLoss: [], validLoss: [], positionLosses: [], modelStats: {} };
  try {
    return await evaluator.evaluate({ tokenizer, model, scorer, training }, context);
  } finally {
    model.dispose();
  }
}
