import { ConfigError, DataError, canonicalJson, sha256, suggest, type CorpusDocument, type TrainingTextOptions } from './core.js';
import { corpus } from './corpora.js';
import { chunkText } from './text/chunks.js';
import { truncateAtWord } from './text/normalize.js';
import { createRng, shuffled, type Rng } from './text/random.js';
import { fnv1a32 } from './text/split.js';

/** The corpora a training mixture can draw on (training split only; e-mail: ham only). */
export type TrainingSource = 'brown' | 'sotu' | 'moby' | 'email';

export interface Mixture {
  readonly id: string;
  readonly description: string;
  /** Share of the characters each source contributes (normalised to sum to 1). */
  readonly weights: Readonly<Partial<Record<TrainingSource, number>>>;
  /** Only one half of the training documents (split by hash), for generators that must not share data. */
  readonly half?: 'a' | 'b';
}

const DEFAULT_WEIGHTS = { brown: 0.4, sotu: 0.25, moby: 0.1, email: 0.25 } as const;

/**
 * Known mixtures. `default` is the mix of the datasets notes (§4a). The single-source and
 * brown-sotu mixes serve Scaffold-BPE, MiLe and TSL (which train on Brown + SOTU); the three-way
 * weightings are the candidates the Temporal Scaling Law study ranks; the halves give the
 * detection study two generators trained on disjoint documents.
 */
export const MIXTURES: readonly Mixture[] = [
  { id: 'default', description: 'Brown 40%, SOTU 25%, Moby-Dick 10%, ham e-mail 25% (of characters)', weights: DEFAULT_WEIGHTS },
  { id: 'brown', description: 'Brown only', weights: { brown: 1 } },
  { id: 'sotu', description: 'State of the Union only', weights: { sotu: 1 } },
  { id: 'moby', description: 'Moby-Dick only', weights: { moby: 1 } },
  { id: 'email', description: 'ham e-mail only (new text of training threads)', weights: { email: 1 } },
  { id: 'brown-sotu', description: 'Brown 50%, SOTU 50% (the in-domain mix of the study specs)', weights: { brown: 0.5, sotu: 0.5 } },
  { id: 'brown70-sotu15-email15', description: 'Brown-heavy three-way mix', weights: { brown: 0.7, sotu: 0.15, email: 0.15 } },
  { id: 'brown15-sotu70-email15', description: 'SOTU-heavy three-way mix', weights: { brown: 0.15, sotu: 0.7, email: 0.15 } },
  { id: 'brown15-sotu15-email70', description: 'e-mail-heavy three-way mix', weights: { brown: 0.15, sotu: 0.15, email: 0.7 } },
  { id: 'brown33-sotu33-email33', description: 'uniform three-way mix', weights: { brown: 1, sotu: 1, email: 1 } },
  { id: 'default-half-a', description: 'default weights on half A of the training documents', weights: DEFAULT_WEIGHTS, half: 'a' },
  { id: 'default-half-b', description: 'default weights on half B of the training documents', weights: DEFAULT_WEIGHTS, half: 'b' },
];

/** Training documents are cut into pieces of at most this many characters so that small budgets still mix many documents. */
export const CHUNK_CHARS = 4000;
// A source's last piece is cut to fit its budget; shorter leftovers are dropped.
const MIN_PIECE_CHARS = 200;

export function mixture(id: string, where = 'trainingText › mixture'): Mixture {
  const found = MIXTURES.find((m) => m.id === id);
  if (!found) throw new ConfigError(where, `unknown mixture '${id}'`, suggest(id, MIXTURES.map((m) => m.id)));
  return found;
}

/**
 * The training text for `options`: each source fills `weight × maxChars` characters with pieces of
 * its training documents in a seeded order (a new permutation per epoch when a source is small),
 * then all pieces are shuffled together with the same seed. Deterministic in the options.
 */
export function buildTrainingText(options: TrainingTextOptions): string[] {
  const mix = mixture(options.mixture);
  if (!Number.isFinite(options.maxChars) || options.maxChars < 1) {
    throw new ConfigError('trainingText › maxChars', `must be a finite number >= 1, got ${options.maxChars}`, 'Set the profile\'s training character budget, e.g. 2000000.');
  }
  if (!Number.isInteger(options.seed)) throw new ConfigError('trainingText › seed', `must be an integer, got ${options.seed}`, 'Use a seed such as 0, 1, 2.');
  const entries = Object.entries(mix.weights) as Array<[TrainingSource, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  const pieces: string[] = [];
  for (const [source, weight] of entries) {
    pieces.push(...fill(pool(source, mix.half), Math.floor((Math.floor(options.maxChars) * weight) / total), createRng(options.seed, `mixture:${mix.id}:${source}`), `${mix.id}/${source}`));
  }
  return shuffled(pieces, createRng(options.seed, `mixture:${mix.id}:order`));
}

/** sha256 of the exact training text and the options (goes into the cell key). */
export function trainingTextHash(options: TrainingTextOptions, texts: readonly string[]): string {
  const header = canonicalJson({ type: 'labbench-training-text', version: 1, options: { mixture: options.mixture, maxChars: options.maxChars, seed: options.seed } });
  return sha256(`${header}\n${texts.map((t) => `${t.length}:${t}`).join('\n')}`);
}

function fill(pieces: readonly string[], budget: number, rng: Rng, where: string): string[] {
  if (pieces.length === 0) throw new DataError(`mixture ${where}`, 'the training pool is empty', 'Check that the corpus packages are installed.');
  const out: string[] = [];
  let used = 0;
  for (;;) {
    for (const piece of shuffled(pieces, rng)) {
      if (used + piece.length <= budget) {
        out.push(piece);
        used += piece.length;
        continue;
      }
      const rest = budget - used;
      if (rest >= MIN_PIECE_CHARS) out.push(truncateAtWord(piece, rest));
      return out;
    }
  }
}

const pools = new Map<string, readonly string[]>();

/** Pieces of the training documents of a source (optionally one half), in corpus order. */
function pool(source: TrainingSource, half: 'a' | 'b' | undefined): readonly string[] {
  const key = `${source}:${half ?? '*'}`;
  let pieces = pools.get(key);
  if (pieces === undefined) {
    const docs = corpus(source).filter((d) => d.split === 'train' && (source !== 'email' || d.meta?.label === 'ham') && inHalf(d, half));
    pieces = Object.freeze(docs.flatMap((d) => chunkText(d.text, CHUNK_CHARS)));
    pools.set(key, pieces);
  }
  return pieces;
}

/** Halves by hash of the document (e-mail: of the thread, so a thread stays in one half). */
function inHalf(doc: CorpusDocument, half: 'a' | 'b' | undefined): boolean {
  if (half === undefined) return true;
  const unit = doc.source === 'email' ? (doc.meta?.thread ?? doc.id) : doc.id;
  return ((fnv1a32(`half:${doc.source}:${unit}`) & 1) === 0) === (half === 'a');
}
