import { canonicalJson, sha256, type CorpusDocument, type DataProvider, type EvalDocument, type EvalLimits } from '../core.js';
import { createRng, sample, shuffled } from '../text/random.js';

/**
 * An in-memory DataProvider for tests of other packages: no corpus is loaded and nothing is
 * written to disk. It follows the real provider's rules in miniature (training text from `train`
 * documents in a seeded order capped by maxChars, validation from `valid`, evaluation from `test`,
 * sets capped by `limits.items`), so runner tests exercise the same contract.
 */
export interface MemoryDataOptions {
  readonly documents?: readonly CorpusDocument[];
  readonly sets?: Readonly<Record<string, readonly object[]>>;
}

const SENTENCES = [
  'The committee met on Friday and approved the budget for the coming year.',
  'She walked down to the harbour to watch the ships come in.',
  'Every member of the crew knew the captain would not turn back.',
  'The report found no evidence that the election had been irregular.',
  'He wrote back the next morning to say the patch worked on his machine.',
  'Rain fell all night, and by morning the river had risen past the bridge.',
];

/** A tiny corpus: two documents per split, made of plain sentences. */
export function tinyDocuments(): CorpusDocument[] {
  const splits = ['train', 'train', 'valid', 'valid', 'test', 'test'] as const;
  return splits.map((split, i) => ({
    source: 'tiny',
    id: `doc${i}`,
    split,
    text: Array.from({ length: 12 }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]).join(' '),
  }));
}

export function createMemoryDataProvider(options: MemoryDataOptions = {}): DataProvider {
  const documents = options.documents ?? tinyDocuments();
  const sets = options.sets ?? {};
  const ofSplit = (split: string): EvalDocument[] => documents.filter((d) => d.split === split).map(({ source, id, text }) => ({ source, id, text }));
  const capped = (texts: string[], maxChars: number): string[] => {
    const out: string[] = [];
    let used = 0;
    for (const t of texts) {
      if (used + t.length > maxChars) break;
      out.push(t);
      used += t.length;
    }
    return out;
  };
  const training = (o: { maxChars: number; seed: number }): string[] =>
    capped(shuffled(ofSplit('train').map((d) => d.text), createRng(o.seed, 'memory:train')), o.maxChars);
  return {
    trainingText: async (o) => training(o),
    validationText: async (o) => capped(ofSplit('valid').map((d) => d.text), o.maxChars),
    evalData: (limits: EvalLimits) => ({
      inDomain: async () => ofSplit('test').slice(0, limits.documents),
      outOfDomain: async () => ofSplit('test').slice(0, limits.documents),
      set: async <T>(name: string) => {
        const items = sets[name] ?? [];
        return (items.length <= limits.items ? items : sample(items, limits.items, createRng(0, `memory:${name}`))) as unknown as readonly T[];
      },
    }),
    hash: async (o) => sha256(canonicalJson({ options: o, text: training(o) })),
    mixtures: () => ['default'],
    sets: () => Object.keys(sets),
  };
}
