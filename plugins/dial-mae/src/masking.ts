import type { Rng } from '@labbench/core';
import type { EncoderVocab, TokenTable } from './vocab.js';
import { continuesWord } from './vocab.js';

/** A masked sequence and its MLM labels. */
export interface MaskedSequence {
  /** Model input: masked positions replaced (80% [MASK], 10% a random token, 10% unchanged). */
  readonly input: Int32Array;
  /** Original id at masked positions, -1 elsewhere (the loss ignores -1). */
  readonly labels: Int32Array;
  /** Positions masked. */
  readonly masked: number;
  /** max(1, round(n * rate)) over the n maskable positions (0 when there are none). */
  readonly target: number;
}

/** Number of positions to mask: max(1, round(n * rate)), 0 for an empty sequence (the paper's rule). */
export function maskTarget(maskable: number, rate: number): number {
  return maskable === 0 ? 0 : Math.max(1, Math.round(maskable * rate));
}

/** A position may be masked iff it holds a tokenizer id that is not end-of-text ([CLS], [SEP], [PAD] never are). */
export function isMaskable(id: number, vocab: EncoderVocab, table: TokenTable): boolean {
  return id >= 0 && id < vocab.base && id !== table.eosId;
}

/** Whole words as runs of maskable positions joined by `continuesWord`. */
export function wholeWords(ids: Int32Array, vocab: EncoderVocab, table: TokenTable): number[][] {
  const words: number[][] = [];
  let current: number[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    if (!isMaskable(ids[i], vocab, table)) {
      current = undefined;
      continue;
    }
    if (current && continuesWord(table, ids[i - 1], ids[i])) current.push(i);
    else {
      current = [i];
      words.push(current);
    }
  }
  return words;
}

/**
 * Whole-word masking (BERT / the authors' collator): words in a seeded random order are taken
 * whole while the total stays <= the target, so the count never exceeds max(1, round(n * rate));
 * each masked position becomes [MASK] (80%), a random tokenizer id (10%) or stays (10%).
 */
export function wholeWordMask(ids: Int32Array, rate: number, vocab: EncoderVocab, table: TokenTable, rng: Rng): MaskedSequence {
  const words = wholeWords(ids, vocab, table);
  const target = maskTarget(words.reduce((n, w) => n + w.length, 0), rate);
  const input = Int32Array.from(ids);
  const labels = new Int32Array(ids.length).fill(-1);
  let masked = 0;
  for (const word of rng.shuffle(words.slice())) {
    if (masked >= target) break;
    if (masked + word.length > target) continue;
    for (const i of word) {
      labels[i] = ids[i];
      const r = rng.float();
      if (r < 0.8) input[i] = vocab.mask;
      else if (r < 0.9) input[i] = rng.int(0, vocab.base - 1);
      masked++;
    }
  }
  return { input, labels, masked, target };
}
