import type { TrainedTokenizer } from '@labbench/core';

/**
 * The encoder's vocabulary: the tokenizer's V ids, then four specials of its own, so every
 * tokenizer works unchanged. The MLM head predicts tokenizer ids only (the first V rows).
 */
export interface EncoderVocab {
  /** V: ids the tokenizer emits (and the MLM head predicts). */
  readonly base: number;
  readonly cls: number;
  readonly sep: number;
  readonly mask: number;
  readonly pad: number;
  /** Ve = V + 4 rows of the embedding table. */
  readonly size: number;
}

export function encoderVocab(vocabSize: number): EncoderVocab {
  return { base: vocabSize, cls: vocabSize, sep: vocabSize + 1, mask: vocabSize + 2, pad: vocabSize + 3, size: vocabSize + 4 };
}

/** Per-id facts read from the tokenizer once: word boundaries and paragraph breaks. */
export interface TokenTable {
  /** 1 when the token's text starts with a letter or digit (it may continue the previous word). */
  readonly startsWordChar: Uint8Array;
  /** 1 when the token's text ends with a letter or digit. */
  readonly endsWordChar: Uint8Array;
  /** 1 when the token's text contains a line break (a paragraph or turn boundary). */
  readonly newline: Uint8Array;
  readonly eosId: number;
}

const WORD_START = /^[\p{L}\p{N}]/u;
const WORD_END = /[\p{L}\p{N}]$/u;
const tables = new WeakMap<TrainedTokenizer, TokenTable>();

/** Builds (once per tokenizer) the table from each id's decoded text. */
export function tokenTable(tokenizer: TrainedTokenizer): TokenTable {
  const known = tables.get(tokenizer);
  if (known) return known;
  const n = tokenizer.vocabSize;
  const startsWordChar = new Uint8Array(n);
  const endsWordChar = new Uint8Array(n);
  const newline = new Uint8Array(n);
  for (let id = 0; id < n; id++) {
    if (id === tokenizer.eosId) continue;
    const text = tokenizer.decode([id]);
    startsWordChar[id] = WORD_START.test(text) ? 1 : 0;
    endsWordChar[id] = WORD_END.test(text) ? 1 : 0;
    newline[id] = text.includes('\n') ? 1 : 0;
  }
  const table = { startsWordChar, endsWordChar, newline, eosId: tokenizer.eosId };
  tables.set(tokenizer, table);
  return table;
}

/**
 * Whole-word continuation (the BPE analogue of WordPiece's `##`): token `cur` continues the word of
 * `prev` when `prev` ends and `cur` starts with a letter or digit (no space or punctuation between).
 */
export function continuesWord(table: TokenTable, prev: number, cur: number): boolean {
  return prev >= 0 && prev < table.endsWordChar.length && cur >= 0 && cur < table.startsWordChar.length
    && table.endsWordChar[prev] === 1 && table.startsWordChar[cur] === 1;
}
