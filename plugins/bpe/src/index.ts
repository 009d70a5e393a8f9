/**
 * @labbench/plugin-bpe: byte-level BPE and Scaffold-BPE tokenizers (one trainer, one encoder),
 * Hugging Face interop, the tokenizer-metrics evaluator and the Scaffold-BPE study.
 */
import { definePlugin } from './core.js';
import { bpe, scaffoldBpe } from './factory.js';
import { tokenizerMetrics } from './metrics.js';
import scaffoldBpeStudy from './studies/scaffold-bpe.study.js';

export { bpe, scaffoldBpe } from './factory.js';
export { tokenizerMetrics } from './metrics.js';
export { trainTokenizer, loadTokenizer, encodeText, decodeIds } from './api.js';
export type { TrainTokenizerArgs, TokenizerSource } from './api.js';
export { exportHuggingFace } from './hf-export.js';
export { importHuggingFace } from './hf-import.js';
export { benchTokenizer } from './bench.js';
export type { BenchArgs, BenchResult } from './bench.js';
export { tokenizerFromJSON } from './serialize.js';
export { BpeTokenizer } from './tokenizer.js';
export type { BpeTokenizerJSON } from './tokenizer.js';
export { DEFAULTS } from './config.js';
export type { BpeOptions, TokenizerType } from './config.js';
export type { TrainingStats } from './training-stats.js';
export { BpeError } from './errors.js';
export { scaffoldBpeStudy };

export default definePlugin({ id: 'bpe', tokenizers: [bpe, scaffoldBpe], evaluators: [tokenizerMetrics], studies: [scaffoldBpeStudy] });
