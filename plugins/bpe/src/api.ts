/**
 * Plain functions for the `labbench tokenizer train|encode|decode|export-hf` commands (the
 * CLI parses flags and files; these do the work).
 */
import type { TrainedTokenizer } from './core.js';
import type { TokenizerType } from './config.js';
import { configError, parseJson } from './errors.js';
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

/**
 * A tokenizer (any TrainedTokenizer whose toJSON is a bpe / scaffold-bpe file), our JSON
 * (object or text), or a Hugging Face tokenizer.json (object or text).
 */
export type TokenizerSource = TrainedTokenizer | string | object;

/** Loads a tokenizer from any accepted source; the file kind is recognised by its fields. */
export function loadTokenizer(source: TokenizerSource): BpeTokenizer {
  if (source instanceof BpeTokenizer) return source;
  if (typeof source === 'object' && source !== null && typeof (source as TrainedTokenizer).toJSON === 'function') {
    return tokenizerFromJSON((source as TrainedTokenizer).toJSON());
  }
  const json = (typeof source === 'string' ? parseJson(source, 'loadTokenizer') : source) as Record<string, unknown>;
  if (typeof json === 'object' && json !== null && 'model' in json && !('type' in json)) return importHuggingFace(json);
  return tokenizerFromJSON(json);
}

/** Encodes with a tokenizer or a saved file (a file is parsed on every call: load it once for many texts). */
export function encodeText(tokenizer: TokenizerSource, text: string): Int32Array {
  return loadTokenizer(tokenizer).encode(text);
}

/** Decodes ids with a tokenizer or a saved file (see encodeText). */
export function decodeIds(tokenizer: TokenizerSource, ids: ArrayLike<number>): string {
  return loadTokenizer(tokenizer).decode(ids);
}

