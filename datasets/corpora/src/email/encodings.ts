/**
 * Content-transfer-encodings and charsets. The stdlib package stores each message as a JS string
 * (non-UTF-8 bytes already became U+FFFD), so 7bit/8bit parts are used as they are and only
 * base64 and quoted-printable parts go through bytes and a charset decoder.
 */

const utf8 = new TextEncoder();

/** Bytes of a string whose code units are either ASCII or already-decoded text (encoded as UTF-8). */
function latinBytes(text: string, out: number[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) out.push(c);
    else for (const b of utf8.encode(text[i])) out.push(b);
  }
}

/** RFC 2045 quoted-printable: `=XX` bytes, `=` at line end is a soft break. Malformed `=` is kept. */
export function decodeQuotedPrintable(body: string): Uint8Array {
  const text = body.replace(/=[ \t]*\r?\n/g, '');
  const out: number[] = [];
  let last = 0;
  for (const m of text.matchAll(/=([0-9A-Fa-f]{2})/g)) {
    latinBytes(text, out, last, m.index);
    out.push(parseInt(m[1], 16));
    last = m.index + 3;
  }
  latinBytes(text, out, last, text.length);
  return Uint8Array.from(out);
}

/** RFC 2045 base64, ignoring whitespace and any junk after the padding. */
export function decodeBase64(body: string): Uint8Array {
  const clean = body.replace(/[^A-Za-z0-9+/=]/g, '');
  const end = clean.indexOf('=');
  return Buffer.from(end >= 0 ? clean.slice(0, end) : clean, 'base64');
}

/** Decodes bytes in `charset`; unknown or missing labels fall back to windows-1252, the usual truth of 2002 mail. */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? '').trim().toLowerCase() || 'windows-1252';
  return decoderFor(label === 'us-ascii' ? 'windows-1252' : label).decode(bytes);
}

const decoders = new Map<string, { decode(bytes: Uint8Array): string }>();

function decoderFor(label: string): { decode(bytes: Uint8Array): string } {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = new TextDecoder('windows-1252'); // a label TextDecoder does not know (e.g. "x-unknown")
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

/** Decodes a part body by its Content-Transfer-Encoding. */
export function decodeBody(body: string, transferEncoding: string, charset: string | undefined): string {
  const encoding = transferEncoding.trim().toLowerCase();
  if (encoding === 'base64') return decodeCharset(decodeBase64(body), charset);
  if (encoding === 'quoted-printable') return decodeCharset(decodeQuotedPrintable(body), charset);
  return body;
}
