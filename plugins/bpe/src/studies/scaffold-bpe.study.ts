/**
 * Spec 6.1: plain BPE vs Scaffold-BPE from the same code path (same pretokenization,
 * tie-breaking and N), trained on Brown (`tokenizerMixture`; before v3 the tokenizers trained on the
 * default mixture), at N in {1K, 2K, 4K, 8K}: tokenizer statistics on the whole Brown test split; plus tiny
 * LMs trained on each tokenization at 2K with equal tokens (the profile's budget), compared in bits
 * per byte in- and out-of-domain and on rare tokens. (Equal text would need per-tokenizer step
 * counts known before training; not done.) Budgets and seeds come from the profile.
 */
import { defineStudy } from '../core.js';

export default defineStudy({
  id: 'scaffold-bpe',
  version: 4, // v4: the campaign profile's budget moved to 7.4M tokens (docs/recipe.md s.4c)
  title: 'Scaffold-BPE vs BPE: tokenizer statistics across vocabulary sizes',
  claim: 'At equal vocabulary size, Scaffold-BPE replaces low-frequency scaffold tokens by more frequent ones, which raises unigram entropy and bytes per token and gives better language models.',
  paper: {
    title: 'Scaffold-BPE: Enhancing Byte Pair Encoding for Large Language Models with Simple and Effective Scaffold Token Removal',
    url: 'https://arxiv.org/abs/2404.17808',
    year: 2024,
  },
  shared: { model: 'none', loss: 'cross-entropy', mixture: 'brown', tokenizerMixture: 'brown' },
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
  baseline: 'lm-bpe-2048',
  references: { arm: 'lm-bpe-2048' },
  // Without scaffold tokens the two arms are the same tokenizer and a claim cannot be tested.
  gates: [
    { id: 'scaffold-present-2k', text: 'Scaffold-BPE at 2K flags at least 1% of the vocabulary as scaffold', kind: 'bound', board: 'tokenizer', metric: 'vocab.scaffold_share', arm: 'scaffold-bpe-2048', atLeast: 0.01 },
    { id: 'scaffold-present-4k', text: 'Scaffold-BPE at 4K flags at least 1% of the vocabulary as scaffold', kind: 'bound', board: 'tokenizer', metric: 'vocab.scaffold_share', arm: 'scaffold-bpe-4096', atLeast: 0.01 },
  ],
  claims: [
    {
      id: 'lm-bits-per-byte', role: 'headline',
      text: 'At equal training tokens, an LM on Scaffold-BPE tokens reaches lower in-domain bits per byte than on BPE tokens (2K)',
      board: 'ppl', metric: 'id.all.bits_per_byte', method: 'lm-scaffold-bpe-2048', baseline: 'lm-bpe-2048',
      paper: { figure: '468M model, 32K vocabulary, 100B tokens: higher average 0/5-shot accuracy on all seven tasks, e.g. BoolQ 58.64 -> 60.52, PIQA 66.57 -> 68.69, Winogrande 53.00 -> 54.22', source: 'Table 1' },
      gates: ['scaffold-present-2k', 'beats-bigram'], // beats-bigram: core's default for lm-bpe-2048
    },
    {
      id: 'entropy-4k', role: 'secondary',
      text: 'At 4K, Scaffold-BPE raises the unigram entropy of the Brown test split over BPE',
      board: 'tokenizer', metric: 'brown.unigram_entropy', method: 'scaffold-bpe-4096', baseline: 'bpe-4096',
      paper: { figure: 'Pile, 32K vocabulary: unigram entropy 11.2382 -> 11.2443 bits (redundancy 0.2491 -> 0.2487)', source: 'tokenizer analysis: entropy and redundancy of the tokenized Pile', effect: 0.0061 },
      gates: ['scaffold-present-4k'],
    },
    {
      id: 'bytes-per-token-4k', role: 'secondary',
      text: 'At 4K, Scaffold-BPE encodes the Brown test split with more bytes per token than BPE',
      board: 'tokenizer', metric: 'brown.bytes_per_token', method: 'scaffold-bpe-4096', baseline: 'bpe-4096', scale: 'log',
      // effect on the log scale: ln(3.889 / 3.879)
      paper: { figure: 'Pile, 32K vocabulary: 3.879 -> 3.889 bytes per token (WMT En-De 4.830 -> 4.861)', source: 'tokenizer analysis: compression rate', effect: 0.002575 },
      gates: ['scaffold-present-4k'],
    },
  ],
  evaluators: ['tokenizer-metrics', 'perplexity', 'ppl-by-frequency'],
});
