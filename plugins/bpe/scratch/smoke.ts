import { trainDetailed } from '../src/factory.js';
const text = 'Arizona is in the arizona desert. The zona of Arizona: 12345 apples, 67 pears! Ünïcödé 😀 emojis 😀😀. ' .repeat(20);
for (const type of ['bpe', 'scaffold-bpe'] as const) {
  const { tokenizer, outcome } = trainDetailed(type, [text, 'hello world<|endoftext|>bye'], { vocabSize: 300 });
  const s = 'Arizona zona 2024 😀 <|endoftext|> new text \u0085 x';
  const ids = tokenizer.encode(s);
  console.log(type, tokenizer.vocabSize, tokenizer.eosId, Array.from(ids).join(' '), JSON.stringify(tokenizer.decode(ids)) === JSON.stringify(s));
  console.log(JSON.stringify(tokenizer.stats));
  console.log(tokenizer.model.tokenCount, outcome.marks, outcome.unmarks);
}
