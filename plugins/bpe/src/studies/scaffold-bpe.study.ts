/**
 * Spec 6.1: plain BPE vs Scaffold-BPE from the same code path (same pretokenization,
 * tie-breaking and N), trained on Brown, at N in {1K, 2K, 4K, 8K}: tokenizer statistics; plus tiny
 * LMs trained on each tokenization at 2K with equal tokens (the profile's budget), compared in bits
 * per byte in- and out-of-domain and on rare tokens. (Equal text would need per-tokenizer step
 * counts known before training; not done.) Budgets and seeds come from the profile.
 */
import { defineStudy } from '../core.js';

export default defineStudy({
  id: 'scaffold-bpe',
  version: 2,
  title: 'Scaffold-BPE vs BPE: tokenizer statistics across vocabulary sizes',
  claim: 'At equal vocabulary size, Scaffold-BPE replaces low-frequency scaffold tokens by more frequent ones, raising unigram entropy and bytes per token and lowering redundancy.',
  paper: {
    title: 'Scaffold-BPE: Enhancing Byte Pair Encoding for Large Language Models with Simple and Effective Scaffold Token Removal',
    url: 'https://arxiv.org/abs/2404.17808',
    year: 2024,
  },
  shared: { model: 'none', loss: 'cross-entropy', mixture: 'brown' },
  // vocabSize is N, the normal vocabulary (256 bytes + <|endoftext|> + merges) for both arms
  arms: {
    'bpe-1024': { tokenizer: 'bpe', tokenizerConfig: { vocabSize: 1024 } },
    'scaffold-bpe-1024': { tokenizer: 'scaffold-bpe', tokenizerConfig: { vocabSize: 1024 } },
    'bpe-2048': { tokenizer: 'bpe', tokenizerConfig: { vocabSize: 2048 } },
    'scaffold-bpe-2048': { tokenizer: 'scaffold-bpe', tokenizerConfig: { vocabSize: 2048 } },
    'bpe-4096': { tokenizer: 'bpe', tokenizerConfig: { vocabSize: 4096 } },
    'scaffold-bpe-4096': { tokenizer: 'scaffold-bpe', tokenizerConfig: { vocabSize: 4096 } },
    'bpe-8192': { tokenizer: 'bpe', tokenizerConfig: { vocabSize: 8192 } },
    'scaffold-bpe-8192': { tokenizer: 'scaffold-bpe', tokenizerConfig: { vocabSize: 8192 } },
    'lm-bpe-2048': { model: 'dense', tokenizer: 'bpe', tokenizerConfig: { vocabSize: 2048 } },
    'lm-scaffold-bpe-2048': { model: 'dense', tokenizer: 'scaffold-bpe', tokenizerConfig: { vocabSize: 2048 } },
  },
  claims: [
    { text: 'At 4K, Scaffold-BPE raises the unigram entropy of Brown test text over BPE', board: 'tokenizer', metric: 'brown.unigram_entropy', method: 'scaffold-bpe-4096', baseline: 'bpe-4096' },
    { text: 'At 4K, Scaffold-BPE lowers the redundancy of Brown test text below BPE', board: 'tokenizer', metric: 'brown.redundancy', method: 'scaffold-bpe-4096', baseline: 'bpe-4096' },
    { text: 'At equal tokens, an LM on Scaffold-BPE tokens reaches lower in-domain bits per byte than on BPE tokens (2K)', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'lm-scaffold-bpe-2048', baseline: 'lm-bpe-2048' },
  ],
  evaluators: ['tokenizer-metrics', 'perplexity', 'ppl-by-frequency'],
});
