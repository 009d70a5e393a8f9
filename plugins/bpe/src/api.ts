/**
 * Plain functions for the `labbench tokenizer train|encode|decode|export-hf` commands (the
 * CLI parses flags and files; these do the work).
 */
import type { TokenizerType } from './config.js';
import { configError } from './errors.js';
import { trainDetailed } from './factory.js';
import { importHuggingFace } from './hf-import.js';
import { tokenizerFromJSON } from './serialize.js';
import { BpeTokenizer } from './tokenizer.js';

export interface TrainTokenizerArgs {
  readonly algo: TokenizerType;
  /** N, counting the 256 bytes and the special tokens. */
  readonly vocabSize: number;
  readonly texts: Iterable<string>;
  /** Further options (see BpeOptions), e.g. { tieBreak: 'tokens-first' }. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Trains a tokenizer; `toJSON()` of the result is the file to save. */
export function trainTokenizer(args: TrainTokenizerArgs): BpeTokenizer {
  if (args.algo !== 'bpe' && args.algo !== 'scaffold-bpe') {
    throw configError('trainTokenizer › algo', `unknown algorithm ${JSON.stringify(args.algo)}.`, "Use 'bpe' or 'scaffold-bpe'.");
  }
  return trainDetailed(args.algo, args.texts, { ...args.options, vocabSize: args.vocabSize }).tokenizer;
}

/** A tokenizer, our JSON (object or text), or a Hugging Face tokenizer.json (object or text). */
export type TokenizerSource = BpeTokenizer | string | object;

/** Loads a tokenizer from any accepted source; the file kind is recognised by its fields. */
export function loadTokenizer(source: TokenizerSource): BpeTokenizer {
  if (source instanceof BpeTokenizer) return source;
  const json = (typeof source === 'string' ? JSON.parse(source) : source) as Record<string, unknown>;
  if (typeof json === 'object' && json !== null && 'model' in json && !('type' in json)) return importHuggingFace(json);
  return tokenizerFromJSON(json);
}

export function encodeText(tokenizer: TokenizerSource, text: string): Int32Array {
  return loadTokenizer(tokenizer).encode(text);
}

export function decodeIds(tokenizer: TokenizerSource, ids: ArrayLike<number>): string {
  return loadTokenizer(tokenizer).decode(ids);
}
