/**
 * Training-speed comparison with Hugging Face `tokenizers` on one corpus, in one process.
 *
 * The npm binding only exposes `train(files)` with its default BPE trainer (target 30,000,
 * capped by what the corpus allows), so Hugging Face trains first and ours trains to the
 * vocabulary size it reached (unless `vocabSize` is given). Pretokenizers differ (Hugging Face's
 * ByteLevel keeps digit runs); the comparison is of wall time at equal vocabulary size.
 * No assertions here: `labbench bench` reports the numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenizerType } from './config.js';
import { configError } from './errors.js';
import { trainTokenizer } from './api.js';
import { BYTE_TOKENS } from './token-table.js';

export interface BenchArgs {
  readonly texts: readonly string[];
  /** Vocabulary size for ours; default: the size Hugging Face reached. */
  readonly vocabSize?: number;
  /** Runs per trainer; the fastest is reported (default 1). */
  readonly repeats?: number;
}

export interface BenchResult {
  readonly ours: { algo: TokenizerType; trainSeconds: number; encodeMBps: number; vocabSize: number }[];
  readonly huggingFace: { trainSeconds: number; vocabSize: number };
  /** ours (plain BPE) train seconds / Hugging Face train seconds; below 1 means ours is faster. */
  readonly ratio: number;
  readonly corpus: { documents: number; bytes: number };
}

export async function benchTokenizer(args: BenchArgs): Promise<BenchResult> {
  const repeats = args.repeats ?? 1;
  if (args.texts.length === 0) throw configError('benchTokenizer › texts', 'is empty.', 'Pass the training documents.');
  if (!Number.isInteger(repeats) || repeats < 1) throw configError('benchTokenizer › repeats', `must be an integer >= 1, got ${repeats}.`, 'Use 1 to 5.');
  const huggingFace = await trainHuggingFace(args.texts, repeats);
  // ours always holds 256 bytes + <|endoftext|>; HF's alphabet is only the bytes it saw
  const vocabSize = args.vocabSize ?? Math.max(huggingFace.vocabSize, BYTE_TOKENS + 1);
  const corpusText = args.texts.join('\n');
  const bytes = new TextEncoder().encode(corpusText).length;
  const ours: BenchResult['ours'] = [];
  for (const algo of ['bpe', 'scaffold-bpe'] as const) {
    let best = Infinity;
    let tokenizer = null;
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      tokenizer = trainTokenizer({ algo, vocabSize, texts: args.texts });
      best = Math.min(best, (performance.now() - start) / 1000);
    }
    const start = performance.now();
    tokenizer!.encode(corpusText); // fresh tokenizer: cold cache, as a first encode would be
    const encodeSeconds = (performance.now() - start) / 1000;
    ours.push({ algo, trainSeconds: best, encodeMBps: bytes / 1e6 / encodeSeconds, vocabSize: tokenizer!.vocabSize });
  }
  return { ours, huggingFace, ratio: ours[0].trainSeconds / huggingFace.trainSeconds, corpus: { documents: args.texts.length, bytes } };
}

async function trainHuggingFace(texts: readonly string[], repeats: number): Promise<BenchResult['huggingFace']> {
  let hf: typeof import('tokenizers');
  try {
    hf = await import('tokenizers');
  } catch (error) {
    throw configError('benchTokenizer', `cannot load the 'tokenizers' package: ${(error as Error).message}.`, 'Run npm install at the repository root.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'labbench-bpe-bench-'));
  try {
    const file = join(dir, 'corpus.txt');
    writeFileSync(file, texts.join('\n')); // written before the clock starts: reading it is part of HF's time
    let best = Infinity;
    let vocabSize = 0;
    for (let r = 0; r < repeats; r++) {
      const tokenizer = new hf.Tokenizer(hf.BPE.empty());
      tokenizer.setPreTokenizer(hf.byteLevelPreTokenizer());
      const start = performance.now();
      tokenizer.train([file]);
      best = Math.min(best, (performance.now() - start) / 1000);
      vocabSize = tokenizer.getVocabSize();
    }
    return { trainSeconds: best, vocabSize };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
