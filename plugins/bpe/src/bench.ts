/**
 * Training and encode speed compared with Hugging Face `tokenizers` on one corpus, in one process.
 *
 * The npm binding only exposes `train(files)` with its default BPE trainer (target 30,000,
 * capped by what the corpus allows), so Hugging Face trains first and ours trains to the
 * vocabulary size it reached (unless `vocabSize` is given). Pretokenizers differ (Hugging Face's
 * ByteLevel keeps digit runs); the comparison is of wall time at equal vocabulary size.
 *
 * Encode: our plain BPE tokenizer and the same tokenizer exported to `tokenizer.json` and loaded
 * in Hugging Face (identical ids, checked), on the same documents: ours `encode` per document, theirs
 * `encodeBatch` (Rust, parallel over documents). Throughput in bytes/s, cold (a freshly loaded
 * tokenizer: empty caches) and warm (a second pass over the same documents). The machine is shared
 * and noisy: compare the ratios measured in one run, not absolute numbers across runs.
 * No assertions here: `labbench bench` reports the numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenizerType } from './config.js';
import { configError } from './errors.js';
import { loadTokenizer, trainTokenizer } from './api.js';
import { exportHuggingFace } from './hf-export.js';
import { BYTE_TOKENS } from './token-table.js';

export interface BenchArgs {
  readonly texts: readonly string[];
  /** Vocabulary size for ours; default: the size Hugging Face reached. */
  readonly vocabSize?: number;
  /** Runs per trainer; the fastest is reported (default 1). */
  readonly repeats?: number;
}

/** Encode throughput of one implementation (best of the repeats). */
export interface EncodeSpeed {
  /** A freshly loaded tokenizer (empty caches), bytes per second. */
  readonly coldBytesPerSecond: number;
  /** The second pass over the same documents. */
  readonly warmBytesPerSecond: number;
}

export interface EncodeComparison {
  readonly vocabSize: number;
  readonly ours: EncodeSpeed & { readonly method: 'encode per document' };
  readonly huggingFace: EncodeSpeed & { readonly method: 'encodeBatch' };
  /** ours / Hugging Face throughput; above 1 means ours is faster. */
  readonly coldRatio: number;
  readonly warmRatio: number;
  /** Both produced the same ids for every document. */
  readonly identicalIds: boolean;
  readonly tokens: number;
  /**
   * Hugging Face's own pipeline for reference: the tokenizer its trainer made above (ByteLevel
   * pre-tokenizer with GPT-2's regex, a different vocabulary), `encodeBatch` on the same documents.
   */
  readonly huggingFaceNative?: EncodeSpeed & { readonly method: 'encodeBatch'; readonly vocabSize: number };
}

export interface BenchResult {
  readonly ours: { algo: TokenizerType; trainSeconds: number; encodeMBps: number; vocabSize: number }[];
  readonly huggingFace: { trainSeconds: number; vocabSize: number };
  /** ours (plain BPE) train seconds / Hugging Face train seconds; below 1 means ours is faster. */
  readonly ratio: number;
  readonly encode: EncodeComparison;
  readonly corpus: { documents: number; bytes: number };
}

export async function benchTokenizer(args: BenchArgs): Promise<BenchResult> {
  const repeats = args.repeats ?? 1;
  if (args.texts.length === 0) throw configError('benchTokenizer › texts', 'is empty.', 'Pass the training documents.');
  if (!Number.isInteger(repeats) || repeats < 1) throw configError('benchTokenizer › repeats', `must be an integer >= 1, got ${repeats}.`, 'Use 1 to 5.');
  const { tokenizer: hfTrained, ...huggingFace } = await trainHuggingFace(args.texts, repeats);
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
  const plain = trainTokenizer({ algo: 'bpe', vocabSize, texts: args.texts });
  const encode = { ...(await compareEncode(JSON.stringify(plain.toJSON()), args.texts, repeats)), huggingFaceNative: await hfNativeEncode(hfTrained, args.texts, huggingFace.vocabSize) };
  return { ours, huggingFace, ratio: ours[0].trainSeconds / huggingFace.trainSeconds, encode, corpus: { documents: args.texts.length, bytes } };
}

async function loadHf(): Promise<typeof import('tokenizers')> {
  try {
    return await import('tokenizers');
  } catch (error) {
    throw configError('benchTokenizer', `cannot load the 'tokenizers' package: ${(error as Error).message}.`, 'Run npm install at the repository root.');
  }
}

/** Encode throughput of ours and Hugging Face on the same tokenizer (see the module comment). */
export async function compareEncode(file: string, texts: readonly string[], repeats = 1): Promise<EncodeComparison> {
  const hf = await loadHf();
  const hfFile = exportHuggingFace(file);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const best = { ours: [Infinity, Infinity], hf: [Infinity, Infinity] };
  let identicalIds = true;
  let tokens = 0;
  for (let r = 0; r < repeats; r++) {
    const tokenizer = loadTokenizer(file);
    const hfTokenizer = hf.Tokenizer.fromString(hfFile);
    let ours: Int32Array[] = [];
    for (const pass of [0, 1]) {
      const start = performance.now();
      ours = texts.map((t) => tokenizer.encode(t));
      best.ours[pass] = Math.min(best.ours[pass], (performance.now() - start) / 1000);
    }
    for (const pass of [0, 1]) {
      const start = performance.now();
      const encodings = await hfTokenizer.encodeBatch([...texts]);
      best.hf[pass] = Math.min(best.hf[pass], (performance.now() - start) / 1000);
      if (r === 0 && pass === 0) {
        tokens = ours.reduce((n, ids) => n + ids.length, 0);
        identicalIds = encodings.every((e, d) => {
          const ids = e.getIds();
          return ids.length === ours[d].length && ids.every((id, k) => id === ours[d][k]);
        });
      }
    }
  }
  const speed = (seconds: number[]) => ({ coldBytesPerSecond: bytes / seconds[0], warmBytesPerSecond: bytes / seconds[1] });
  return {
    vocabSize: loadTokenizer(file).vocabSize,
    ours: { method: 'encode per document', ...speed(best.ours) },
    huggingFace: { method: 'encodeBatch', ...speed(best.hf) },
    coldRatio: best.hf[0] / best.ours[0], warmRatio: best.hf[1] / best.ours[1], identicalIds, tokens,
  };
}

type HfTokenizer = InstanceType<typeof import('tokenizers').Tokenizer>;

/** encodeBatch throughput of a tokenizer Hugging Face trained itself (cold, then warm). */
async function hfNativeEncode(tokenizer: HfTokenizer, texts: readonly string[], vocabSize: number): Promise<NonNullable<EncodeComparison['huggingFaceNative']>> {
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const seconds: number[] = [];
  for (const _pass of [0, 1]) {
    const start = performance.now();
    await tokenizer.encodeBatch([...texts]);
    seconds.push((performance.now() - start) / 1000);
  }
  return { method: 'encodeBatch', vocabSize, coldBytesPerSecond: bytes / seconds[0], warmBytesPerSecond: bytes / seconds[1] };
}

async function trainHuggingFace(texts: readonly string[], repeats: number): Promise<BenchResult['huggingFace'] & { tokenizer: HfTokenizer }> {
  const hf = await loadHf();
  const dir = mkdtempSync(join(tmpdir(), 'labbench-bpe-bench-'));
  try {
    const file = join(dir, 'corpus.txt');
    writeFileSync(file, texts.join('\n')); // written before the clock starts: reading it is part of HF's time
    let best = Infinity;
    let vocabSize = 0;
    let trained: HfTokenizer | undefined;
    for (let r = 0; r < repeats; r++) {
      const tokenizer = new hf.Tokenizer(hf.BPE.empty());
      trained = tokenizer;
      tokenizer.setPreTokenizer(hf.byteLevelPreTokenizer());
      const start = performance.now();
      tokenizer.train([file]);
      best = Math.min(best, (performance.now() - start) / 1000);
      vocabSize = tokenizer.getVocabSize();
    }
    return { trainSeconds: best, vocabSize, tokenizer: trained! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
