/**
 * HTML to plain text for HTML-only bodies (945 of the SpamAssassin bodies). Not a renderer: it
 * drops invisible blocks, turns block boundaries into line breaks, removes tags and decodes
 * entities, which is what a language model should see of such a message.
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '\u00a9', reg: '\u00ae', trade: '\u2122',
  mdash: '\u2014', ndash: '\u2013', hellip: '\u2026', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d',
  bull: '\u2022', middot: '\u00b7', pound: '\u00a3', euro: '\u20ac', yen: '\u00a5', cent: '\u00a2', deg: '\u00b0',
  eacute: '\u00e9', egrave: '\u00e8', aacute: '\u00e1', agrave: '\u00e0', oacute: '\u00f3', uacute: '\u00fa', iacute: '\u00ed',
  ntilde: '\u00f1', uuml: '\u00fc', ouml: '\u00f6', auml: '\u00e4', ccedil: '\u00e7', szlig: '\u00df', times: '\u00d7',
};

/** Decodes `&name;`, `&#NN;` and `&#xHH;`; unknown names are left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);?/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

// Tags that end a paragraph, and tags that only end a line.
const PARAGRAPH_TAGS = /<\s*\/?\s*(?:p|div|ul|ol|table|h[1-6]|blockquote|pre|hr|center)\b[^>]*>/gi;
const LINE_TAGS = /<\s*\/?\s*(?:br|tr|li|dd|dt|title)\b[^>]*>/gi;

/** Plain text of an HTML document. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<\s*(script|style|head)\b[\s\S]*?<\s*\/\s*\1\s*>/gi, '')
      .replace(/\s+/g, ' ') // HTML whitespace is not significant; block tags below make the breaks
      .replace(PARAGRAPH_TAGS, '\n\n')
      .replace(LINE_TAGS, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
