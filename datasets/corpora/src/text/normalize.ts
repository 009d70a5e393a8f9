/**
 * Text normalisation applied to every document of every source, so that two sources never differ
 * only by line endings, composition or stray control bytes (which would leak into tokenizer and
 * detection statistics).
 */

// C0 and C1 controls except tab and newline, plus DEL, zero-width no-break space (BOM) and the
// Unicode line/paragraph separators, which some tokenizers treat as newlines and others do not.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF\u2028\u2029]/g;

const PLAIN_ASCII = /^[\x20-\x7e\t\n]*$/;

/**
 * NFC, `\r\n` and lone `\r` to `\n`, control characters removed, trailing spaces on each line
 * removed. Idempotent: `normalizeText(normalizeText(x)) === normalizeText(x)`.
 */
export function normalizeText(text: string): string {
  // Printable ASCII with tabs and newlines is already NFC and free of controls (most documents).
  if (PLAIN_ASCII.test(text)) return text.replace(/[ \t]+$/gm, '');
  // Line endings first (a lone \r is a control character we want to keep as a break), then remove
  // controls, and only then compose: removing a control can bring a base letter next to a
  // combining mark, and NFC must see that pair.
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .normalize('NFC')
    .replace(/[ \t]+$/gm, '');
}

/** Whitespace-separated tokens, the "words" of the notes and of the stats (`/\S+/g`). */
export function countWords(text: string): number {
  let count = 0;
  for (const _ of text.matchAll(/\S+/g)) count++;
  return count;
}

/** Collapses runs of spaces and tabs inside lines and runs of 3+ newlines to one blank line. */
export function tidyWhitespace(text: string): string {
  return text
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cuts `text` to at most `maxChars`, at the last whitespace before the limit when there is one. */
export function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.lastIndexOf(' ', maxChars);
  const newline = text.lastIndexOf('\n', maxChars);
  const at = Math.max(cut, newline);
  return (at > maxChars / 2 ? text.slice(0, at) : text.slice(0, maxChars)).trimEnd();
}

/** Keeps the last `maxChars` of `text`, starting after a whitespace when there is one. */
export function truncateStartAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const from = text.length - maxChars;
  const space = text.slice(from).search(/\s/);
  return (space >= 0 && space < maxChars / 2 ? text.slice(from + space) : text.slice(from)).trimStart();
}
