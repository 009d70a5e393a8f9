import type { TokenizerJSON, TrainedTokenizer } from '../contracts/tokenizer.js';

/**
 * A byte-level tokenizer for tests: ids 0-255 are UTF-8 bytes, 256 is end-of-text. Every string
 * round-trips; it needs no training, so model and evaluator tests do not depend on a BPE plugin.
 */
export function byteTokenizer(): TrainedTokenizer {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  return {
    id: 'bytes',
    vocabSize: 257,
    eosId: 256,
    encode: (text) => Int32Array.from(encoder.encode(text)),
    decode: (ids) => decoder.decode(Uint8Array.from(Array.from(ids).filter((i) => i < 256))),
    toJSON: (): TokenizerJSON => ({ type: 'bytes', version: 1 }),
  };
}
