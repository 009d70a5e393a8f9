import { tidyWhitespace } from '../text/normalize.js';

/**
 * What a person newly wrote in a message, separated from what they quoted. Reply-selection items
 * take the response from `newText` and the context from the parent (or from `quoted`), so nothing
 * of the context survives in the answer; training text uses `newText` only, so quoted copies of
 * held-out messages cannot leak into training.
 */
export interface CleanedBody {
  /** Body without quoted lines, attributions, signatures and list footers. */
  readonly newText: string;
  /** The quoted lines, prefixes removed, attribution lines dropped. */
  readonly quoted: string;
}

// `> text`, `>> text`, `: > text`; and nmh/exmh's `  | text`.
const QUOTE_LINE = /^(?:[ \t]*>|  \| ?)/;
const QUOTE_PREFIX = /^(?:[ \t]*>[ \t]?)+|^  \| ?/;
// "John wrote:", "On Tue, ... John Smith wrote:", "Martin A posted:", "Quoting Jim:", "[Jim]".
const ATTRIBUTION = /(?:\b(?:wrote|writes|said|says|posted|mentioned|included|quoted|typed|spake)\b.*:|:)\s*$|^\[[^\]]{1,40}\]\s*$|^Quoting\b/i;
// Inside quoted text only the unmistakable "... wrote:" lines are attributions.
const NESTED_ATTRIBUTION = /\b(?:wrote|writes|said|says|posted|mentioned)\b[^:]{0,20}:\s*$/i;
// Outlook and exmh put the original below a marker or a header block instead of quoting it.
const ORIGINAL_MARKER = /^[ \t]*-{2,}\s*(?:Original Message|Forwarded by .*|Message d'origine)\s*-{2,}\s*$/im;
const EXMH_HEADER = /^[ \t]+(?:Date|From|Message-ID|Subject|To|Cc|Reply-To):[ \t]/;
// A signature starts at "-- " (RFC 3676) or a bare "--".
const SIGNATURE = /^--[ \t]?$/;
// A list footer starts at a separator line and mentions the list machinery below it.
const SEPARATOR = /^[ \t]*(?:[-_=~*]{5,}.*|-+ ?Yahoo! Groups Sponsor.*)$/;
const FOOTER_WORDS = /mailing list|listinfo|unsubscribe|subscription|sponsored|Yahoo! Groups|mailman|list maintainer|your preferences/i;
// Footer lines that also come without a separator (fork's bare listinfo URL, Yahoo! Groups).
const FOOTER_LINE = /listinfo|mailman|unsubscribe|Yahoo! Groups is subject|\(un\)subscription|List maintainer/i;
// Only the tail is searched: separators earlier in a message are usually its own content.
const FOOTER_WINDOW = 20;

/** Splits a decoded body (already normalised) into new text and quoted text. */
export function cleanBody(body: string): CleanedBody {
  let lines = body.split('\n');
  const original: string[] = [];
  const marker = lines.findIndex((l) => ORIGINAL_MARKER.test(l));
  if (marker >= 0) {
    original.push(...lines.slice(marker + 1).filter((l) => !/^\s*(?:From|Sent|To|Cc|Subject|Date):/i.test(l)));
    lines = lines.slice(0, marker);
  }
  lines = cutSignature(cutFooters(lines));
  const fresh: string[] = [];
  const quoted: string[] = [];
  lines.forEach((line, i) => {
    if (QUOTE_LINE.test(line)) quoted.push(line.replace(QUOTE_PREFIX, ''));
    else if (!isAttribution(lines, i)) fresh.push(line);
  });
  return {
    newText: tidyWhitespace(fresh.join('\n')),
    quoted: tidyWhitespace(cutSignature(cutFooters(quoted.concat(original))).filter((l) => !NESTED_ATTRIBUTION.test(l)).join('\n')),
  };
}

/** An attribution line sits right before a quote (a blank line may be between) or is an exmh header line. */
function isAttribution(lines: readonly string[], i: number): boolean {
  const line = lines[i];
  if (EXMH_HEADER.test(line)) return true;
  if (line.trim() === '' || line.length > 160) return false;
  let next = i + 1;
  while (next < lines.length && lines[next].trim() === '') next++;
  if (next >= lines.length || !QUOTE_LINE.test(lines[next]) || next - i > 2) {
    // "On Tue, Aug 27, 2002 at 12:31:52PM -0700," on its own line, "John wrote:" on the next.
    return /^On\b.*,\s*$/.test(line) && i + 1 < lines.length && isAttribution(lines, i + 1);
  }
  return ATTRIBUTION.test(line);
}

function cutSignature(lines: string[]): string[] {
  const at = lines.findIndex((l) => SIGNATURE.test(l));
  return at >= 0 ? lines.slice(0, at) : lines;
}

/** Removes list footers from the end, repeatedly (digests stack several). */
function cutFooters(lines: string[]): string[] {
  let out = trimTrailingBlank(lines);
  for (;;) {
    const from = Math.max(0, out.length - FOOTER_WINDOW);
    let cut = -1;
    for (let i = from; i < out.length; i++) {
      if (SEPARATOR.test(out[i]) && FOOTER_WORDS.test(out.slice(i + 1).join('\n'))) {
        cut = i;
        break;
      }
    }
    if (cut < 0) return dropFooterLines(out);
    out = trimTrailingBlank(out.slice(0, cut));
  }
}

/** Drops trailing footer lines that come without a separator. */
function dropFooterLines(lines: string[]): string[] {
  let out = lines;
  while (out.length > 0 && FOOTER_LINE.test(out[out.length - 1])) out = trimTrailingBlank(out.slice(0, -1));
  return out;
}

function trimTrailingBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  return lines.slice(0, end);
}
