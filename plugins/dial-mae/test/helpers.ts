import type { TokenTable } from '../src/vocab.js';
import { encoderVocab } from '../src/vocab.js';

/** A hand-made token table over V ids: id 0 is end-of-text; `joins[id]` = 1 makes id continue a word. */
export function fakeTable(vocabSize: number, joins: readonly number[], newlines: readonly number[] = []): TokenTable {
  const startsWordChar = new Uint8Array(vocabSize);
  const endsWordChar = new Uint8Array(vocabSize).fill(1);
  joins.forEach((j, id) => { if (id < vocabSize) startsWordChar[id] = j; });
  const newline = new Uint8Array(vocabSize);
  for (const id of newlines) newline[id] = 1;
  endsWordChar[0] = 0;
  startsWordChar[0] = 0;
  return { startsWordChar, endsWordChar, newline, eosId: 0 };
}

export const tinyConfig = { dModel: 16, layers: 1, heads: 2, ffnHidden: 24 };
export { encoderVocab };
