/**
 * Pretokenization: special tokens are cut out first, then a GPT-2-like regex splits the rest into
 * pieces; merges never cross a piece boundary. Training and encoding call the same functions.
 */
import { configError } from './errors.js';

/**
 * Unicode White_Space, spelled as literal characters instead of `\s`: JavaScript's `\s` adds
 * U+FEFF and drops U+0085, Oniguruma's (Hugging Face `tokenizers`) does the opposite, so `\s`
 * would make the exported `Split` pre-tokenizer cut some texts differently from ours.
 * The string holds the characters themselves (not escapes), so it reads the same in a JS
 * RegExp and, after JSON decoding, in Oniguruma.
 */
const WS = '\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';

/**
 * Named pretokenizers (closed set, stored by pattern text in every tokenizer file).
 * - `gpt2-digits` (default): GPT-2's pattern with every digit its own piece (LLaMA-style, as the
 *   Scaffold-BPE paper does): "2024" -> "2","0","2","4"; " 7" keeps its leading space.
 * - `gpt2`: GPT-2's original pattern (digit runs stay together); used for imported GPT-2 files.
 */
export const PRETOKENIZERS = {
  'gpt2-digits': `'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  gpt2: `'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
} as const;
export type PretokenizerName = keyof typeof PRETOKENIZERS;
export const DEFAULT_PRETOKENIZER: PretokenizerName = 'gpt2-digits';

/** Compiles a pattern with the flags every caller must use (`g` for exec loops, `u` for \p{..}). */
export function compilePattern(pattern: string, where: string): RegExp {
  try {
    return new RegExp(pattern, 'gu');
  } catch (error) {
    throw configError(where, `the pretokenizer pattern does not compile as a JavaScript regex: ${(error as Error).message}.`,
      `Use one of the named patterns (${Object.keys(PRETOKENIZERS).join(', ')}).`);
  }
}

/**
 * Calls `onPiece` for every pretokenized piece of `text`, in order. The pattern must cover
 * every character (both named patterns do: each character is whitespace, a letter, a number
 * or "other"); a gap would silently drop text, so it is an error.
 */
export function forEachPiece(text: string, re: RegExp, onPiece: (piece: string) => void): void {
  re.lastIndex = 0;
  let expected = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index !== expected) throw gapError(text, expected);
    const piece = m[0];
    if (piece.length === 0) throw gapError(text, expected); // an empty match would loop forever
    expected = m.index + piece.length;
    onPiece(piece);
  }
  if (expected !== text.length) throw gapError(text, expected);
}

function gapError(text: string, at: number): Error {
  return configError('pretokenize', `the pattern skips or empty-matches text at offset ${at} (${JSON.stringify(text.slice(at, at + 12))}).`,
    'A pretokenizer pattern must match every character; use a named pattern.');
}

/**
 * Splits `text` at literal occurrences of the special tokens (left to right, earliest match
 * first, longer token first on a tie) and reports ordinary segments and special-token indices.
 * This matches how Hugging Face extracts added special tokens before pre-tokenizing.
 */
export function splitSpecials(
  text: string,
  specials: readonly string[],
  onText: (segment: string) => void,
  onSpecial: (index: number) => void,
): void {
  let from = 0;
  while (from < text.length) {
    let best = -1;
    let bestAt = text.length;
    for (let i = 0; i < specials.length; i++) {
      const at = text.indexOf(specials[i], from);
      if (at >= 0 && (at < bestAt || (at === bestAt && specials[i].length > specials[best].length))) {
        best = i;
        bestAt = at;
      }
    }
    if (bestAt > from) onText(text.slice(from, bestAt));
    if (best < 0) return;
    onSpecial(best);
    from = bestAt + specials[best].length;
  }
}

/** Counts unique pieces over a corpus (special tokens act as boundaries and are not counted). */
export function countPieces(corpus: Iterable<string>, re: RegExp, specials: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (piece: string) => counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const addSegment = (segment: string) => forEachPiece(segment, re, add);
  for (const text of corpus) {
    if (typeof text !== 'string') {
      throw configError('train(corpus)', `every corpus document must be a string, got ${typeof text}.`, 'Pass an iterable of strings.');
    }
    splitSpecials(text, specials, addSegment, () => {});
  }
  return counts;
}
