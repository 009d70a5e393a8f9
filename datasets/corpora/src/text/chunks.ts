import { sentenceSpans } from './sentences.js';
import { truncateAtWord } from './normalize.js';

/**
 * Cuts a document into pieces of at most `maxChars`, at paragraph boundaries when possible, else
 * at sentence boundaries, else at word boundaries. Every piece is a substring of the document
 * (trimmed), and pieces come in document order.
 */
export function chunkText(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return text.length > 0 ? [text] : [];
  const pieces: string[] = [];
  let start = -1;
  let end = -1;
  const flush = (): void => {
    if (start >= 0) pieces.push(text.slice(start, end).trim());
    start = -1;
  };
  for (const s of sentenceSpans(text)) {
    if (start >= 0 && s.end - start > maxChars) flush();
    if (s.end - s.start > maxChars) {
      // A "sentence" longer than a chunk (lists, verse, code): cut it at word boundaries.
      for (let rest = text.slice(s.start, s.end); rest.length > 0; ) {
        // at the last word boundary that fits, however early; a hard cut only inside one long word
        const space = rest.length > maxChars ? Math.max(rest.lastIndexOf(' ', maxChars), rest.lastIndexOf('\n', maxChars)) : -1;
        const atSpace = space > 0 ? rest.slice(0, space).trimEnd() : '';
        const piece = atSpace.length > 0 ? atSpace : truncateAtWord(rest, maxChars);
        pieces.push(piece);
        rest = rest.slice(piece.length).trimStart();
      }
      continue;
    }
    if (start < 0) start = s.start;
    end = s.end;
  }
  flush();
  return pieces.filter((p) => p.length > 0);
}
