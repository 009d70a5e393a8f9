/**
 * Training options of both tokenizers, their defaults and validation. Every choice the spec
 * leaves open ([REC]/[verify] items of spec 1.4 and 1.9) is an option here, with the default
 * this plugin uses; the resolved options are stored in every tokenizer file.
 */
import { configError } from './errors.js';
import { DEFAULT_PRETOKENIZER, PRETOKENIZERS, type PretokenizerName } from './pretokenize.js';
import { BYTE_TOKENS } from './token-table.js';
import type { DuplicateMerges } from './train.js';

export type TokenizerType = 'bpe' | 'scaffold-bpe';

export interface BpeOptions {
  /** N: normal tokens (the ids the model sees), counting the 256 bytes and the special tokens. */
  readonly vocabSize: number;
  /** Pinned special tokens; the first is the end-of-text token (eosId). */
  readonly specialTokens: readonly string[];
  /** GPT-2-like pattern; `gpt2-digits` splits every digit, as the paper does. */
  readonly pretokenizer: PretokenizerName;
  /** Equal queue keys: pairs before scaffold tokens (spec 1.4 [REC], closest to plain BPE) or after. */
  readonly tieBreak: 'pairs-first' | 'tokens-first';
  /**
   * Two merges with one result text (spec 1.9): `reuse-id` (spec [REC], also what Hugging Face
   * does) rewrites L, records the merge and reuses the id; `paper-literal` follows Algorithm 1's
   * text: no rewrite, re-integrate a scaffold result, drop the pair from Q.
   */
  readonly duplicateMerges: DuplicateMerges;
  /** The corpus ran out of pairs before |V| = N: stop with a smaller vocabulary (recorded) or throw. */
  readonly onExhausted: 'stop' | 'error';
}

export const DEFAULTS: Omit<BpeOptions, 'vocabSize'> = {
  specialTokens: ['<|endoftext|>'],
  pretokenizer: DEFAULT_PRETOKENIZER,
  tieBreak: 'pairs-first',
  duplicateMerges: 'reuse-id',
  onExhausted: 'stop',
};

const CHOICES: Record<string, readonly string[]> = {
  pretokenizer: Object.keys(PRETOKENIZERS),
  tieBreak: ['pairs-first', 'tokens-first'],
  duplicateMerges: ['reuse-id', 'paper-literal'],
  onExhausted: ['stop', 'error'],
};
const KNOWN = ['vocabSize', ...Object.keys(DEFAULTS)];

/** Merges caller options over the defaults and checks every field. */
export function resolveOptions(type: TokenizerType, raw: Readonly<Record<string, unknown>>): BpeOptions {
  const where = `${type}.train options`;
  for (const key of Object.keys(raw)) {
    if (!KNOWN.includes(key)) throw configError(`${where} › ${key}`, `unknown option '${key}'.`, `Known options: ${KNOWN.join(', ')}.`);
  }
  const options = { ...DEFAULTS, ...raw } as BpeOptions;
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const value = (options as unknown as Record<string, unknown>)[key];
    if (!allowed.includes(value as string)) {
      throw configError(`${where} › ${key}`, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.`, `Default: '${(DEFAULTS as unknown as Record<string, unknown>)[key]}'.`);
    }
  }
  const specials = options.specialTokens;
  if (!Array.isArray(specials) || specials.length === 0 || specials.some((s) => typeof s !== 'string' || s.length === 0)
    || new Set(specials).size !== specials.length) {
    throw configError(`${where} › specialTokens`, `must be a non-empty list of distinct non-empty strings, got ${JSON.stringify(specials)}.`,
      `Default: ${JSON.stringify(DEFAULTS.specialTokens)}.`);
  }
  const base = BYTE_TOKENS + specials.length;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < base) {
    throw configError(`${where} › vocabSize`, `must be an integer >= ${base} (256 bytes + ${specials.length} special tokens), got ${JSON.stringify(options.vocabSize)}.`,
      'Typical values: 1024 to 32000.');
  }
  return {
    vocabSize: options.vocabSize, specialTokens: [...specials], pretokenizer: options.pretokenizer,
    tieBreak: options.tieBreak, duplicateMerges: options.duplicateMerges, onExhausted: options.onExhausted,
  };
}
