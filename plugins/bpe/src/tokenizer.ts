/**
 * A trained BPE or Scaffold-BPE tokenizer: the serialised form (the single source of truth),
 * the model rebuilt from it, and an encoder with its cache.
 */
import type { TokenizerJSON, TrainedTokenizer } from './core.js';
import type { BpeOptions, TokenizerType } from './config.js';
import { DEFAULT_CACHE_SIZE, Encoder } from './encoder.js';
import { BpeModel } from './model.js';
import type { PretokenizerName } from './pretokenize.js';
import type { TrainingStats } from './training-stats.js';

export const FORMAT_VERSION = 1;

/** The tokenizer file, version 1. All token ids in it are expanded ids (creation order). */
export interface BpeTokenizerJSON extends TokenizerJSON {
  readonly type: TokenizerType;
  readonly version: typeof FORMAT_VERSION;
  /** Resolved training options; null for a tokenizer imported from Hugging Face. */
  readonly options: BpeOptions | null;
  readonly pretokenizer: { readonly name: PretokenizerName; readonly pattern: string };
  /** The queue's tie-breaking rule used in training, in words (it changes the vocabulary). */
  readonly tieBreakRule: string | null;
  readonly specialTokens: readonly string[];
  readonly merges: readonly (readonly [number, number])[];
  readonly scaffold: readonly number[];
  /** Emitted id per expanded token when not the default (normal tokens in creation order). */
  readonly ids?: readonly number[];
  readonly stats: TrainingStats | null;
}

export class BpeTokenizer implements TrainedTokenizer {
  readonly id: TokenizerType;
  readonly vocabSize: number;
  readonly eosId: number;
  readonly model: BpeModel;
  private readonly encoder: Encoder;

  /**
   * Use `train` or `fromJSON`; `where` names the source in error messages. `model` skips the
   * rebuild when the caller already built it from the same data (training does).
   */
  constructor(private readonly data: BpeTokenizerJSON, where: string, cacheSize = DEFAULT_CACHE_SIZE, model = modelOf(data, where)) {
    deepFreeze(data); // toJSON hands it out; nobody may change a trained tokenizer
    this.id = data.type;
    this.model = model;
    this.vocabSize = this.model.vocabSize;
    this.eosId = this.model.specialId(0);
    this.encoder = new Encoder(this.model, cacheSize);
  }

  /** Training statistics (null for imported tokenizers). */
  get stats(): TrainingStats | null {
    return this.data.stats;
  }

  encode(text: string): Int32Array {
    return this.encoder.encode(text);
  }

  decode(ids: ArrayLike<number>): string {
    return this.encoder.decode(ids);
  }

  /** The emitted ids of one pretokenized piece (no special-token handling); do not modify. */
  encodePiece(piece: string): Int32Array {
    return this.encoder.encodePiece(piece);
  }

  /** Text of an emitted id (special tokens give their literal text; partial UTF-8 gives U+FFFD). */
  tokenText(id: number): string {
    return this.decode([id]);
  }

  toJSON(): BpeTokenizerJSON {
    return this.data;
  }
}

/** The model described by a tokenizer file. */
export function modelOf(data: BpeTokenizerJSON, where: string): BpeModel {
  return new BpeModel({
    pattern: data.pretokenizer.pattern, specialTokens: data.specialTokens, merges: data.merges, scaffold: data.scaffold,
    ...(data.ids ? { ids: data.ids } : {}),
  }, where);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
