import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, writeFileAtomic, type TokenizerJSON, type TrainedTokenizer } from '@labbench/core';
import { loadContext, type CliContext } from './context.js';

/** Reads a file, or standard input for '-'. */
function readInput(path: string): string {
  if (path === '-') return readFileSync(0, 'utf8');
  if (!existsSync(path)) throw new ConfigError(path, 'file not found.', "Give a text file, or '-' for standard input.");
  return readFileSync(path, 'utf8');
}

/** The tokenizer id that reads a Hugging Face tokenizer.json (a file with `model` and no `type`). */
const HUGGING_FACE_TOKENIZER = 'hf-json';

/**
 * Loads a tokenizer file with the factory of its `type` (the tokenizer id); a Hugging Face
 * `tokenizer.json` has no `type` and goes to the `hf-json` tokenizer.
 */
function loadTrained(context: CliContext, path: string): { tokenizer: TrainedTokenizer; type: string } {
  let json: TokenizerJSON;
  try {
    json = JSON.parse(readInput(path)) as TokenizerJSON;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(path, `not a tokenizer JSON file: ${(error as Error).message}.`, 'Use a file written by `labbench tokenizer train`, or a Hugging Face tokenizer.json.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(path, 'is not a JSON object.', 'Use a file written by `labbench tokenizer train`, or a Hugging Face tokenizer.json.');
  }
  const record = json as unknown as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type : typeof record.model === 'object' && record.model !== null ? HUGGING_FACE_TOKENIZER : undefined;
  if (type === undefined) {
    throw new ConfigError(`${path} › type`, "is missing, and the file has no 'model' either: it is neither a labbench tokenizer nor a Hugging Face tokenizer.json.",
      'Use a file written by `labbench tokenizer train`, or a Hugging Face tokenizer.json.');
  }
  const factory = context.registry.get('tokenizer', type);
  return { tokenizer: factory.fromJSON(json), type };
}

function output(text: string, out: string | undefined): void {
  if (out) writeFileAtomic(out, text);
  else process.stdout.write(text);
}

export function registerTokenizer(program: Command): void {
  const tokenizer = program.command('tokenizer').description('Train, use and export tokenizer plugins from the shell (any registered tokenizer).');
  tokenizer
    .command('train')
    .description('Train a tokenizer on text files (or the default training mix) and write its JSON.')
    .requiredOption('--algo <id>', 'tokenizer id, e.g. bpe (`labbench list` names the others)')
    .requiredOption('--vocab <n>', 'target vocabulary size')
    .option('--input <files...>', "text files ('-' for standard input); default: the training split of the default mix")
    .option('--max-chars <n>', 'characters of the default mix to train on', '4000000')
    .option('--out <file>', 'where to write the tokenizer JSON (default: standard output)')
    .action(async (options: { algo: string; vocab: string; input?: string[]; maxChars: string; out?: string }) => {
      const context = await loadContext();
      const factory = context.registry.get('tokenizer', options.algo);
      const vocabSize = Number(options.vocab);
      if (!Number.isInteger(vocabSize) || vocabSize < 257) throw new ConfigError('--vocab', `expected an integer >= 257 (bytes + end-of-text), got '${options.vocab}'.`, 'Example: --vocab 4096.');
      let texts: readonly string[];
      if (options.input) texts = options.input.map(readInput);
      else {
        const { createDataProvider } = await import('@labbench/corpora');
        texts = await createDataProvider().trainingText({ mixture: 'default', maxChars: Number(options.maxChars), seed: 0 });
      }
      const started = performance.now();
      const trained = factory.train(texts, { vocabSize });
      process.stderr.write(`trained ${options.algo} with ${trained.vocabSize} ids in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
      output(JSON.stringify(trained.toJSON()) + '\n', options.out);
    });
  tokenizer
    .command('encode')
    .description('Encode text to ids (one line of space-separated ids).')
    .requiredOption('--tokenizer <file>', 'a tokenizer JSON file (ours, or a Hugging Face tokenizer.json)')
    .option('--input <file>', "text file or '-' for standard input", '-')
    .action(async (options: { tokenizer: string; input: string }) => {
      const { tokenizer: t } = loadTrained(await loadContext(), options.tokenizer);
      process.stdout.write(Array.from(t.encode(readInput(options.input))).join(' ') + '\n');
    });
  tokenizer
    .command('decode')
    .description('Decode space-separated ids back to text.')
    .requiredOption('--tokenizer <file>', 'a tokenizer JSON file (ours, or a Hugging Face tokenizer.json)')
    .option('--input <file>', "ids file or '-' for standard input", '-')
    .action(async (options: { tokenizer: string; input: string }) => {
      const { tokenizer: t } = loadTrained(await loadContext(), options.tokenizer);
      const words = readInput(options.input).trim().split(/\s+/).filter(Boolean);
      const ids = words.map(Number);
      const bad = ids.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= t.vocabSize);
      if (bad >= 0) throw new ConfigError(`--input, token ${bad + 1}`, `'${words[bad]}' is not an id in [0, ${t.vocabSize}).`, 'Give ids printed by `labbench tokenizer encode`.');
      process.stdout.write(t.decode(ids));
    });
  tokenizer
    .command('export-hf')
    .description('Write the Hugging Face tokenizer.json of a trained tokenizer.')
    .requiredOption('--tokenizer <file>', 'a tokenizer JSON file')
    .option('--out <file>', 'where to write tokenizer.json (default: standard output)')
    .action(async (options: { tokenizer: string; out?: string }) => {
      const context = await loadContext();
      const { tokenizer: t, type } = loadTrained(context, options.tokenizer);
      const factory = context.registry.get('tokenizer', type);
      if (!factory.toHuggingFace) throw new ConfigError(`tokenizer '${type}'`, 'has no Hugging Face export.', 'Only tokenizers whose plugin implements toHuggingFace can be exported.');
      output(factory.toHuggingFace(t), options.out);
    });
}
