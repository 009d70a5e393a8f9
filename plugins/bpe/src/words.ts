/**
 * The training corpus L as a multiset of words (spec 1.2): unique pretokenized pieces with their
 * counts, each held as a token sequence that merges rewrite in place.
 *
 * Pair counts are **non-overlapping** (spec 1.8, invariant 4): inside a run x x x of one token
 * the pair (x, x) counts once per two symbols, left to right, exactly as a merge of (x, x)
 * would replace it. So the count popped from the queue always equals the replacements made.
 */

export class WordStore {
  /** Occurrences of each unique word in the corpus. */
  readonly counts: Float64Array;
  /** Word w's current tokens are symbols[starts[w] .. starts[w] + lengths[w]). */
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly symbols: Int32Array;

  private constructor(counts: Float64Array, starts: Int32Array, lengths: Int32Array, symbols: Int32Array) {
    this.counts = counts;
    this.starts = starts;
    this.lengths = lengths;
    this.symbols = symbols;
  }

  get size(): number {
    return this.counts.length;
  }

  /** Words in first-seen order, each split into its UTF-8 bytes (token id = byte value). */
  static fromPieces(pieces: ReadonlyMap<string, number>): WordStore {
    const encoder = new TextEncoder();
    const encoded: Uint8Array[] = [];
    let total = 0;
    for (const piece of pieces.keys()) {
      const bytes = encoder.encode(piece);
      encoded.push(bytes);
      total += bytes.length;
    }
    const counts = new Float64Array(encoded.length);
    const starts = new Int32Array(encoded.length);
    const lengths = new Int32Array(encoded.length);
    const symbols = new Int32Array(total);
    let w = 0;
    let at = 0;
    for (const count of pieces.values()) {
      const bytes = encoded[w];
      counts[w] = count;
      starts[w] = at;
      lengths[w] = bytes.length;
      symbols.set(bytes, at);
      at += bytes.length;
      w++;
    }
    return new WordStore(counts, starts, lengths, symbols);
  }

  /** The current tokens of word w (a copy). */
  tokens(w: number): number[] {
    return Array.from(this.symbols.subarray(this.starts[w], this.starts[w] + this.lengths[w]));
  }

  /**
   * Writes the countable pair occurrences of word w into out (a0, b0, a1, b1, ...) and returns
   * how many there are: every adjacent pair of distinct tokens, and the 1st, 3rd, 5th ... pair
   * inside a run of one token. `out` must hold 2 * (length - 1) numbers.
   */
  pairs(w: number, out: Int32Array): number {
    const s = this.symbols;
    const end = this.starts[w] + this.lengths[w] - 1;
    let runStart = this.starts[w];
    let n = 0;
    for (let i = this.starts[w]; i < end; i++) {
      const a = s[i];
      const b = s[i + 1];
      if (a !== b) runStart = i + 1;
      else if (((i - runStart) & 1) !== 0) continue;
      out[n++] = a;
      out[n++] = b;
    }
    return n >> 1;
  }

  /** Longest word, in tokens (sizes the buffer of `pairs`). */
  maxLength(): number {
    let max = 0;
    for (let w = 0; w < this.size; w++) max = Math.max(max, this.lengths[w]);
    return max;
  }

  /**
   * Replaces every occurrence of (a, b) in word w by t, left to right without overlap, in place.
   * Returns the number of replacements.
   */
  merge(w: number, a: number, b: number, t: number): number {
    const s = this.symbols;
    const start = this.starts[w];
    const end = start + this.lengths[w];
    let read = start;
    let write = start;
    let replaced = 0;
    while (read < end) {
      if (read + 1 < end && s[read] === a && s[read + 1] === b) {
        s[write++] = t;
        read += 2;
        replaced++;
      } else {
        s[write++] = s[read++];
      }
    }
    this.lengths[w] = write - start;
    return replaced;
  }
}
