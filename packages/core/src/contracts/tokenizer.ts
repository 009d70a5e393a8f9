/**
 * Tokenizer contract.
 *
 * A tokenizer plugin trains a {@link TrainedTokenizer} from a corpus. Every trained tokenizer has a
 * byte-level base, so `decode(encode(s)) === s` for every JavaScript string `s` that is well-formed
 * UTF-16 (lone surrogates are replaced by U+FFFD by the UTF-8 encoder, as TextEncoder does).
 */
export interface TokenizerJSON {
  /** Names the tokenizer kind, e.g. "bpe" or "scaffold-bpe"; `fromJSON` rejects other types. */
  readonly type: string;
  /** Format version; bump on any change of the serialised form. */
  readonly version: number;
  readonly [key: string]: unknown;
}

export interface TrainedTokenizer {
  /** Tokenizer id (the plugin's tokenizer id that trained it). */
  readonly id: string;
  /** Number of ids `encode` can emit; ids are in [0, vocabSize). */
  readonly vocabSize: number;
  /** Id of the end-of-text token, used as document separator and as the scoring context start. */
  readonly eosId: number;
  /** Encodes text to ids. Must hold: decode(encode(s)) === s for well-formed strings. */
  encode(text: string): Int32Array;
  /** Decodes ids to text; special tokens decode to their literal text. */
  decode(ids: ArrayLike<number>): string;
  /** A JSON-serialisable description from which `fromJSON` rebuilds an identical tokenizer. */
  toJSON(): TokenizerJSON;
}

export interface TokenizerTrainOptions {
  /** Target vocabulary size including the 256 byte tokens and special tokens. */
  readonly vocabSize: number;
  /** Plugin-specific options (validated by the plugin). */
  readonly [key: string]: unknown;
}

export interface TokenizerFactory {
  readonly id: string;
  readonly description: string;
  /** Trains on an iterable of documents. Deterministic: same corpus and options, same tokenizer. */
  train(corpus: Iterable<string>, options: TokenizerTrainOptions): TrainedTokenizer;
  /** Rebuilds a trained tokenizer; throws a ContractError for JSON of another type or version. */
  fromJSON(json: TokenizerJSON): TrainedTokenizer;
  /** Optional: the Hugging Face `tokenizer.json` text of a trained tokenizer (`labbench tokenizer export-hf`). */
  toHuggingFace?(tokenizer: TrainedTokenizer): string;
}
