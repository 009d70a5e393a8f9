import { PAIR_SEPARATORS, type TrainedTokenizer } from '@labbench/core';
import type { TextPair } from './pairs.js';

/**
 * Dialogue pairs read back from a training stream of pair documents (the data provider's
 * `email-pairs` mixture, one document per `DataProvider.trainingPairs` pair:
 * `turn1 <turn> turn2 ... <response> response`, documents joined by end-of-text). The context keeps
 * its turns joined by [SEP] (the authors' format); the response is what follows the marker.
 */
export interface PairMarkers {
  /** 1 when the token's text contains the turn separator. */
  readonly turn: Uint8Array;
  /** 1 when the token's text contains the response separator. */
  readonly response: Uint8Array;
}

const cache = new WeakMap<TrainedTokenizer, PairMarkers>();

/** Marker ids read from the tokenizer once (byte-level BPE keeps each control character as one token). */
export function pairMarkers(tokenizer: TrainedTokenizer): PairMarkers {
  const known = cache.get(tokenizer);
  if (known) return known;
  const turn = new Uint8Array(tokenizer.vocabSize);
  const response = new Uint8Array(tokenizer.vocabSize);
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    if (id === tokenizer.eosId) continue;
    const text = tokenizer.decode([id]);
    turn[id] = text.includes(PAIR_SEPARATORS.turn) ? 1 : 0;
    response[id] = text.includes(PAIR_SEPARATORS.response) ? 1 : 0;
  }
  const markers = { turn, response };
  cache.set(tokenizer, markers);
  return markers;
}

/**
 * Every pair document of the stream, in stream order: context = the tokens before the first
 * response marker (turn markers become `sep`), response = the tokens after it. Documents without a
 * marker, or with a side shorter than `minTokens`, are skipped.
 */
export function pairsFromStream(stream: Int32Array, markers: PairMarkers, eosId: number, sep: number, minTokens: number): TextPair[] {
  const out: TextPair[] = [];
  let start = 0;
  for (let i = 0; i <= stream.length; i++) {
    if (i < stream.length && stream[i] !== eosId) continue;
    const doc = stream.subarray(start, i);
    start = i + 1;
    const at = doc.findIndex((id) => markers.response[id] === 1);
    if (at < 0) continue;
    const context = Int32Array.from(doc.subarray(0, at), (id) => (markers.turn[id] === 1 ? sep : id));
    const response = doc.slice(at + 1);
    if (context.length >= minTokens && response.length >= minTokens) out.push({ context, response });
  }
  return out;
}

/** FNV-1a over a row's ids: maps a fixed validation window to a fixed validation pair. */
export function rowHash(row: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < row.length; i++) h = Math.imul(h ^ (row[i] & 0xffff), 0x01000193) >>> 0;
  return h;
}
