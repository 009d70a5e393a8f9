/**
 * Export to Hugging Face's `tokenizer.json` (model type BPE).
 *
 * Hugging Face's ByteLevel pre-tokenizer has GPT-2's regex, which keeps digit runs together;
 * ours splits every digit. So the file uses a Split pre-tokenizer with our exact pattern,
 * followed by ByteLevel with `use_regex: false` (bytes -> printable characters only). For plain
 * BPE the file then gives exactly our ids (test/hf-interop.test.ts checks it with `tokenizers`).
 *
 * Scaffold-BPE: the format has no demolition step. The file holds the expanded vocabulary
 * (normal tokens keep our ids 0..N-1, scaffold tokens get N..|E|-1) and all expanded merges, and
 * the scaffold ids and demolition map in `model.labbench` (Hugging Face ignores unknown model
 * fields but rejects unknown top-level ones). Hugging Face encodes such a file *without*
 * demolition, so it can emit scaffold ids >= N; our importer restores demolition.
 */
import { bytesToByteLevel } from './byte-level.js';
import { configError } from './errors.js';
import { loadTokenizer, type TokenizerSource } from './api.js';
import type { BpeTokenizer } from './tokenizer.js';
import { BYTE_TOKENS } from './token-table.js';

/** The extension stored in `model.labbench` of an exported Scaffold-BPE file (ids are HF ids). */
export interface ScaffoldExtension {
  readonly type: 'scaffold-bpe';
  readonly version: 1;
  readonly scaffold: readonly number[];
  /** HF id of a scaffold token -> the normal ids it is demolished into. */
  readonly demolition: Readonly<Record<string, readonly number[]>>;
}

/** Hugging Face id of every expanded token: emitted id for normal tokens, N.. for scaffold. */
export function hfIds(tokenizer: BpeTokenizer): Int32Array {
  const model = tokenizer.model;
  const ids = new Int32Array(model.tokenCount);
  let nextScaffold = model.vocabSize;
  for (let e = 0; e < model.tokenCount; e++) ids[e] = model.isScaffold[e] ? nextScaffold++ : model.emitId[e];
  return ids;
}

/** Returns the `tokenizer.json` text of a trained (or imported) tokenizer, or of its saved file. */
export function exportHuggingFace(source: TokenizerSource): string {
  const tokenizer = loadTokenizer(source);
  const model = tokenizer.model;
  const data = tokenizer.toJSON();
  const ids = hfIds(tokenizer);
  const strings: string[] = [];
  const vocab: Record<string, number> = {};
  for (let e = 0; e < model.tokenCount; e++) {
    const special = e >= BYTE_TOKENS && e < BYTE_TOKENS + data.specialTokens.length;
    // special tokens sit in the model vocab under their literal text, as in GPT-2's file;
    // without that entry Hugging Face maps them to a wrong id
    strings[e] = special ? data.specialTokens[e - BYTE_TOKENS] : bytesToByteLevel(model.bytes[e]);
    if (Object.hasOwn(vocab, strings[e])) {
      throw configError('exportHuggingFace', `token ${e} and token ${vocab[strings[e]]} both read ${JSON.stringify(strings[e])} in the byte-level vocabulary.`,
        'A special token equals a merged token; choose special tokens the pretokenizer cannot produce as one piece.');
    }
    vocab[strings[e]] = ids[e];
  }
  const merges = data.merges.map(([a, b]) => [strings[a], strings[b]]);
  const hfModel: Record<string, unknown> = {
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
  };
  if (data.scaffold.length > 0) hfModel.labbench = scaffoldExtension(tokenizer, ids);
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: data.specialTokens.map((content, i) => ({
      id: ids[BYTE_TOKENS + i], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: data.pretokenizer.pattern }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    model: hfModel,
  });
}

function scaffoldExtension(tokenizer: BpeTokenizer, ids: Int32Array): ScaffoldExtension {
  const model = tokenizer.model;
  const demolition: Record<string, number[]> = {};
  const scaffold: number[] = [];
  for (let e = 0; e < model.tokenCount; e++) {
    if (!model.isScaffold[e]) continue;
    scaffold.push(ids[e]);
    demolition[String(ids[e])] = Array.from(model.demolished.subarray(model.demolitionStart[e], model.demolitionStart[e + 1]));
  }
  return { type: 'scaffold-bpe', version: 1, scaffold, demolition };
}
