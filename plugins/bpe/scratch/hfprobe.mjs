const { Tokenizer } = await import('tokenizers');
const base = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [{ id: 3, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'Sequence', pretokenizers: [
    { type: 'Split', pattern: { Regex: " ?\\p{L}+|\\s+" }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
  post_processor: null,
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false,
    vocab: { a: 0, b: 1, ab: 2, '<|endoftext|>': 3 , 'Ġ': 4}, merges: [['a', 'b']] },
};
for (const [name, j] of [['plain', base], ['ext', { ...base, labbench: { x: 1 } }], ['modelext', { ...base, model: { ...base.model, labbench: { x: 1 } } }],
  ['novocabspecial', { ...base, model: { ...base.model, vocab: { a: 0, b: 1, ab: 2, 'Ġ': 4 } } }]]) {
  try {
    const t = Tokenizer.fromString(JSON.stringify(j));
    const e = await t.encode('ab a<|endoftext|>ab');
    console.log(name, e.getIds(), e.getTokens(), await t.decode(e.getIds(), false));
  } catch (err) { console.log(name, 'ERR', err.message); }
}
