/**
 * Sentence and paragraph spans as offsets into the original text, so that every context, prompt
 * and continuation the sets cut is an exact substring of a cleaned document (no re-joining that
 * would give detectors or LMs a spacing artefact to exploit).
 */

export interface Span {
  readonly start: number;
  readonly end: number;
  /** Index of the paragraph the span belongs to. */
  readonly paragraph: number;
}

// Words after which a period does not end a sentence. Lower-case, without the period.
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'st', 'jr', 'sr', 'prof', 'gen', 'col', 'lt', 'gov', 'sen', 'rep', 'rev', 'vs', 'etc', 'no',
  'co', 'inc', 'ltd', 'mt', 'ft', 'capt', 'sgt', 'maj', 'hon', 'messrs', 'esq', 'vol', 'fig', 'cf', 'al', 'ave', 'dept',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'u.s', 'e.g', 'i.e', 'a.m', 'p.m',
]);

// A sentence ends at . ! or ? (optionally followed by closing quotes or brackets) when whitespace
// and then an upper-case letter, a digit or an opening quote follow.
const BOUNDARY = /[.!?]+["'\u201d\u2019)\]]*(?=\s+["'\u201c\u2018(\[]?[A-Z0-9])/g;

/** Paragraph spans: blocks separated by one or more blank lines. */
export function paragraphSpans(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  const re = /\S[\s\S]*?(?=\n[ \t]*\n|$)/g;
  for (const m of text.matchAll(re)) spans.push({ start: m.index, end: m.index + m[0].trimEnd().length });
  return spans;
}

/** Sentence spans of `text`, never crossing a paragraph break. */
export function sentenceSpans(text: string): Span[] {
  const out: Span[] = [];
  paragraphSpans(text).forEach((p, paragraph) => {
    const body = text.slice(p.start, p.end);
    let start = 0;
    for (const m of body.matchAll(BOUNDARY)) {
      const end = m.index + m[0].length;
      if (m[0][0] === '.' && isAbbreviation(body, m.index)) continue;
      pushSpan(out, body, p.start, start, end, paragraph);
      start = end;
    }
    pushSpan(out, body, p.start, start, body.length, paragraph);
  });
  return out;
}

function pushSpan(out: Span[], body: string, offset: number, start: number, end: number, paragraph: number): void {
  const lead = body.slice(start, end).search(/\S/);
  if (lead < 0) return;
  out.push({ start: offset + start + lead, end: offset + end, paragraph });
}

function isAbbreviation(body: string, dot: number): boolean {
  const word = /([A-Za-z][A-Za-z.]*)$/.exec(body.slice(Math.max(0, dot - 12), dot))?.[1] ?? '';
  if (word.length === 1 && word === word.toUpperCase()) return true; // an initial: "J. Smith"
  return ABBREVIATIONS.has(word.toLowerCase());
}

/** Number of whitespace-separated words in `text.slice(start, end)`. */
export function wordsIn(text: string, start: number, end: number): number {
  let count = 0;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** The code units `/\s/` matches (kept in sync with `countWords`). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
