/**
 * Import of Hugging Face `tokenizer.json` files: the layout `exportHuggingFace` writes (Split
 * with a known pattern + ByteLevel without regex), and GPT-2-style files (ByteLevel with its
 * regex, no prefix space). Anything else would encode differently from the file, so it is
 * rejected with the field at fault.
 */
import { bytesToByteLevel, byteLevelToBytes } from './byte-level.js';
import { contractError, parseJson } from './errors.js';
import type { ScaffoldExtension } from './hf-export.js';
import { PRETOKENIZERS, type PretokenizerName } from './pretokenize.js';
import { FORMAT_VERSION, BpeTokenizer, type BpeTokenizerJSON } from './tokenizer.js';
import { BYTE_TOKENS } from './token-table.js';

const WHERE = 'importHuggingFace';
type Json = Record<string, any>;

/** Builds a tokenizer from `tokenizer.json` text (or its parsed object). */
export function importHuggingFace(json: string | object): BpeTokenizer {
  const file = (typeof json === 'string' ? parseJson(json, WHERE) : json) as Json;
  const model = file.model as Json | undefined;
  if (model?.type !== 'BPE') fail('model.type', `is ${JSON.stringify(model?.type)}, not "BPE".`);
  for (const key of ['dropout', 'unk_token', 'continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[key] != null && model[key] !== '') fail(`model.${key}`, `is ${JSON.stringify(model[key])}; only plain byte-level BPE is supported.`);
  }
  if (model.byte_fallback === true || model.ignore_merges === true) fail('model', 'byte_fallback / ignore_merges are not supported.');
  if (file.normalizer != null) fail('normalizer', 'must be null: a normalizer changes the text before merges.');
  const pretokenizer = pretokenizerName(file.pre_tokenizer);
  const specialTokens = specials(file.added_tokens);
  const vocab = model.vocab as Record<string, number>;
  const { merges, keys } = replay(model.merges, specialTokens.length);
  const ext = model.labbench as ScaffoldExtension | undefined;
  const scaffoldHf = new Set(ext?.scaffold ?? []);
  const ids: number[] = [];
  const scaffold: number[] = [];
  for (let e = 0; e < keys.length; e++) {
    const text = e >= BYTE_TOKENS && e < BYTE_TOKENS + specialTokens.length ? specialTokens[e - BYTE_TOKENS] : keys[e];
    const id = vocab[text];
    if (!Number.isInteger(id)) fail('model.vocab', `has no id for ${JSON.stringify(text)} (a byte, special token or merge result).`);
    if (scaffoldHf.has(id)) scaffold.push(e);
    ids.push(scaffoldHf.has(id) ? -1 : id);
  }
  if (Object.keys(vocab).length !== keys.length) {
    fail('model.vocab', `has ${Object.keys(vocab).length} entries but bytes, special tokens and merges give ${keys.length}.`,
      'Vocabularies with tokens no merge produces are not supported.');
  }
  const compact = isCompact(ids);
  const data: BpeTokenizerJSON = {
    type: ext ? 'scaffold-bpe' : 'bpe', version: FORMAT_VERSION, options: null,
    pretokenizer: { name: pretokenizer, pattern: PRETOKENIZERS[pretokenizer] }, tieBreakRule: null,
    specialTokens, merges, scaffold, ...(compact ? {} : { ids }), stats: null,
  };
  return new BpeTokenizer(data, WHERE);
}

function fail(field: string, what: string, fix = 'Export the file with exportHuggingFace, or use a GPT-2-style byte-level BPE file.'): never {
  throw contractError(`${WHERE} › ${field}`, what, fix);
}

function pretokenizerName(pre: Json | null | undefined): PretokenizerName {
  if (pre?.type === 'ByteLevel' && pre.use_regex !== false && pre.add_prefix_space !== true) return 'gpt2';
  const [split, byteLevel] = pre?.type === 'Sequence' ? (pre.pretokenizers as Json[]) : [];
  const pattern = split?.type === 'Split' && split.behavior === 'Isolated' && split.invert !== true ? split.pattern?.Regex : undefined;
  const name = (Object.keys(PRETOKENIZERS) as PretokenizerName[]).find((n) => PRETOKENIZERS[n] === pattern);
  const byteOk = byteLevel?.type === 'ByteLevel' && byteLevel.use_regex === false && byteLevel.add_prefix_space !== true;
  if (!name || !byteOk || (pre?.pretokenizers as Json[]).length !== 2) {
    fail('pre_tokenizer', `${JSON.stringify(pre)?.slice(0, 120)} is not a supported layout.`,
      `Supported: Sequence[Split(one of the patterns ${Object.keys(PRETOKENIZERS).join(', ')}, Isolated), ByteLevel(use_regex=false)] or ByteLevel(use_regex=true, add_prefix_space=false).`);
  }
  return name;
}

/** Special tokens in file order, the end-of-text token moved first (it becomes eosId). */
function specials(added: Json[] | undefined): string[] {
  const list = (added ?? []).filter((t) => t.special === true).map((t) => String(t.content));
  if (list.length === 0) fail('added_tokens', 'has no special token.', "Add an end-of-text special token such as '<|endoftext|>'.");
  const eos = list.indexOf('<|endoftext|>');
  return eos > 0 ? [list[eos], ...list.slice(0, eos), ...list.slice(eos + 1)] : list;
}

/** Merges as expanded ids, replayed in rank order; keys[e] is token e's byte-level string. */
function replay(raw: unknown, specialCount: number): { merges: [number, number][]; keys: string[] } {
  if (!Array.isArray(raw)) fail('model.merges', 'is not a list.');
  const keys: string[] = [];
  const ids = new Map<string, number>();
  const bytesKey = (text: string, r: number) => {
    const bytes = byteLevelToBytes(text);
    if (bytes === null) fail(`model.merges[${r}]`, `${JSON.stringify(text)} is not a byte-level string.`);
    return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  };
  for (let b = 0; b < BYTE_TOKENS; b++) ids.set(String.fromCharCode(b), b);
  const merges: [number, number][] = [];
  const latin: string[] = [];
  for (let b = 0; b < BYTE_TOKENS; b++) latin.push(String.fromCharCode(b));
  for (let s = 0; s < specialCount; s++) latin.push('');
  for (const [r, m] of raw.entries()) {
    const [sa, sb] = typeof m === 'string' ? m.split(' ') : (m as string[]);
    const a = ids.get(bytesKey(sa, r));
    const b = ids.get(bytesKey(sb, r));
    if (a === undefined || b === undefined) fail(`model.merges[${r}]`, `${JSON.stringify(m)} uses a token no earlier merge produced.`);
    merges.push([a, b]);
    const key = latin[a] + latin[b];
    if (!ids.has(key)) {
      ids.set(key, latin.length);
      latin.push(key);
    }
  }
  for (const key of latin) keys.push(key === '' ? '' : byteLevelOf(key));
  return { merges, keys };
}

function byteLevelOf(latin: string): string {
  return bytesToByteLevel(Uint8Array.from(latin, (c) => c.charCodeAt(0)));
}

/** True when normal tokens are numbered 0.. in creation order (then the file needs no id table). */
function isCompact(ids: readonly number[]): boolean {
  let next = 0;
  for (const id of ids) {
    if (id === -1) continue;
    if (id !== next++) return false;
  }
  return true;
}
