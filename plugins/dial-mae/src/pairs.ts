import type { EncoderVocab, TokenTable } from './vocab.js';

/**
 * Training pairs from training text. The data provider gives plain training documents, so a
 * (context, response) pair is cut from one training window of T tokens: the response starts at a
 * line break (a paragraph, a quoted turn, an e-mail line) nearest to T - R, else at T - R; the
 * context is the text before it, back to the window's last end-of-text (if enough remains). With
 * `gap` > 0 that many tokens between context and response are dropped, so a pair cannot be matched
 * by local continuity across the cut alone. Pairs come from training documents only, deterministically.
 */
export interface TextPair {
  readonly context: Int32Array;
  readonly response: Int32Array;
}

export function splitWindow(row: Int32Array, table: TokenTable, responseLength: number, minTokens: number, gap = 0): TextPair {
  const time = row.length - Math.max(0, Math.min(gap, row.length - 2 * minTokens)); // room for context + response
  const skip = row.length - time; // tokens dropped between context and response
  const r = Math.max(1, Math.min(responseLength, time - minTokens));
  const ideal = time - r;
  let split = ideal;
  let best = Number.POSITIVE_INFINITY;
  for (let p = Math.min(minTokens, time - 1); p <= time - minTokens; p++) {
    const id = row[p - 1];
    if (id >= 0 && id < table.newline.length && table.newline[id] === 1 && Math.abs(p - ideal) < best) {
      best = Math.abs(p - ideal);
      split = p;
    }
  }
  let start = 0;
  for (let i = split - 1; i >= 0; i--) {
    if (row[i] === table.eosId) {
      if (split - (i + 1) >= minTokens) start = i + 1;
      break;
    }
  }
  const from = split + skip;
  let end = Math.min(row.length, from + r);
  for (let i = from; i < end; i++) {
    if (row[i] === table.eosId) {
      if (i - from >= minTokens) end = i;
      break;
    }
  }
  return { context: row.slice(start, split), response: row.slice(from, end) };
}

/** The pair with its response right-truncated to `maxTokens` (the same pair when it is shorter). */
export function withResponseCap(pair: TextPair, maxTokens: number): TextPair {
  return pair.response.length > maxTokens ? { ...pair, response: pair.response.subarray(0, maxTokens) } : pair;
}

/** `[CLS] tokens [SEP]` padded with [PAD] to `length`, tokens truncated to length - 2 from the given side. */
export function withSpecials(tokens: ArrayLike<number>, length: number, vocab: EncoderVocab, truncate: 'left' | 'right'): Int32Array {
  const keep = Math.max(0, length - 2);
  const n = Math.min(tokens.length, keep);
  const from = truncate === 'left' ? tokens.length - n : 0;
  const out = new Int32Array(length).fill(vocab.pad);
  out[0] = vocab.cls;
  for (let i = 0; i < n; i++) out[1 + i] = tokens[from + i];
  out[1 + n] = vocab.sep;
  return out;
}

/** `[CLS] context [SEP] response [SEP]` in `length` positions: the response keeps its start, the context its end. */
export function pairSequence(pair: TextPair, length: number, vocab: EncoderVocab): Int32Array {
  const room = Math.max(0, length - 3);
  const responseKeep = Math.min(pair.response.length, Math.max(Math.ceil(room / 2), room - pair.context.length));
  const contextKeep = Math.min(pair.context.length, room - responseKeep);
  const out = new Int32Array(length).fill(vocab.pad);
  let i = 0;
  out[i++] = vocab.cls;
  for (let k = pair.context.length - contextKeep; k < pair.context.length; k++) out[i++] = pair.context[k];
  out[i++] = vocab.sep;
  for (let k = 0; k < responseKeep; k++) out[i++] = pair.response[k];
  out[i++] = vocab.sep;
  return out;
}

/** Context turns joined by [SEP] (the authors' format), as one token list. */
export function joinTurns(turns: readonly Int32Array[], vocab: EncoderVocab): Int32Array {
  const total = turns.reduce((n, t) => n + t.length, 0) + Math.max(0, turns.length - 1);
  const out = new Int32Array(total);
  let i = 0;
  turns.forEach((turn, k) => {
    if (k > 0) out[i++] = vocab.sep;
    out.set(turn, i);
    i += turn.length;
  });
  return out;
}
