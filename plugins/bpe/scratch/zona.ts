import { trainDetailed } from '../src/factory.js';
const corpus = [[...Array(95).fill('arizona'), ...Array(5).fill('zona'), ...Array(30).fill('qwertyuiop')].join('\n')];
for (const n of [262, 263, 264, 266, 270]) {
  const { tokenizer, outcome } = trainDetailed('scaffold-bpe', corpus, { vocabSize: n }, { trace: true });
  const m = tokenizer.model;
  const name = (e: number) => new TextDecoder().decode(m.bytes[e]);
  console.log(n, 'S=', tokenizer.toJSON().scaffold.map(name), 'V-merged=', Array.from({ length: m.tokenCount - 257 }, (_, i) => i + 257).filter(e => !m.isScaffold[e]).map(name));
  console.log('  zona ->', Array.from(tokenizer.encode('zona')), 'arizona ->', Array.from(tokenizer.encode('arizona')), outcome.trace!.map(e => `${e.kind}:${e.key}`).join(' '));
}
