/**
 * `hf-json`: a Hugging Face `tokenizer.json` file as a study's tokenizer, e.g.
 * `{ tokenizer: 'hf-json', tokenizerConfig: { path: 'tokenizers/gpt2.json', sha256: '...' } }`.
 * "Training" loads the file (the corpus is not used): the file decides the vocabulary. `sha256`
 * is optional; when given, a file whose content changed is rejected, and since it is part of the
 * tokenizer's options it is part of every cache key, so a new file never reuses old cells.
 * Saved tokenizers (ours, from the cache) and `tokenizer.json` objects both load with `fromJSON`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TokenizerFactory, TokenizerJSON, TrainedTokenizer } from './core.js';
import { loadTokenizer } from './api.js';
import { configError } from './errors.js';
import { exportHuggingFace } from './hf-export.js';
import type { BpeTokenizer } from './tokenizer.js';

const WHERE = 'hf-json';
// vocabSize comes with every call (the profile's default), but the file decides the vocabulary.
const KNOWN = ['path', 'sha256', 'vocabSize'];

/** Reads and checks a tokenizer.json file named by `options.path`. */
export function loadHuggingFaceFile(options: Readonly<Record<string, unknown>>): BpeTokenizer {
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw configError(`${WHERE} › tokenizerConfig.${key}`, `unknown option '${key}'.`, `Known options: ${KNOWN.join(', ')}.`);
  }
  const path = options.path;
  if (typeof path !== 'string' || path.length === 0) {
    throw configError(`${WHERE} › tokenizerConfig.path`, `must name a tokenizer.json file, got ${JSON.stringify(path)}.`,
      "Example: tokenizerConfig: { path: 'tokenizers/my-tokenizer.json' } (relative to the working directory).");
  }
  const file = resolve(path);
  if (!existsSync(file)) throw configError(`${WHERE} › tokenizerConfig.path`, `file not found: ${file}.`, 'Give the path of a Hugging Face tokenizer.json.');
  const text = readFileSync(file, 'utf8');
  if (options.sha256 !== undefined) {
    const actual = createHash('sha256').update(text).digest('hex');
    if (actual !== options.sha256) {
      throw configError(`${WHERE} › tokenizerConfig.sha256`, `${file} has SHA-256 ${actual}, not ${JSON.stringify(options.sha256)}.`,
        'The file changed since the study was written: check it, then update sha256.');
    }
  }
  return loadTokenizer(text);
}

export const hfJson: TokenizerFactory = {
  id: 'hf-json',
  description: 'A Hugging Face tokenizer.json file (byte-level BPE) as a tokenizer: tokenizerConfig { path, sha256? }; the corpus is not used.',
  train: (_corpus: Iterable<string>, options) => loadHuggingFaceFile(options),
  // the cache stores our own format (type bpe / scaffold-bpe); a tokenizer.json object loads too
  fromJSON: (json: TokenizerJSON) => loadTokenizer(json),
  toHuggingFace: (tokenizer: TrainedTokenizer) => exportHuggingFace(tokenizer as BpeTokenizer),
};
