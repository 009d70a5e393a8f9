/**
 * GPT-2's byte <-> printable-character table, which Hugging Face's ByteLevel pre-tokenizer and
 * decoder use to write byte sequences as vocabulary strings: printable latin-1 bytes map to
 * themselves, the other 68 bytes to U+0100.. in byte order (space -> 'Ġ', newline -> 'Ċ').
 */
const BYTE_TO_CHAR: string[] = [];
const CHAR_TO_BYTE = new Map<string, number>();

(function build() {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const ch = String.fromCharCode(printable(b) ? b : 256 + extra++);
    BYTE_TO_CHAR[b] = ch;
    CHAR_TO_BYTE.set(ch, b);
  }
})();

/** Byte-level string of a byte sequence, e.g. [0x20, 0x61] -> 'Ġa'. */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

/** Bytes of a byte-level string, or null when a character is outside the table. */
export function byteLevelToBytes(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = CHAR_TO_BYTE.get(text[i]);
    if (b === undefined) return null;
    out[i] = b;
  }
  return out;
}
