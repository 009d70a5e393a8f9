import { resized } from './resized.js';

/**
 * The expanded vocabulary E during training: ids in creation order (bytes 0..255 by byte value,
 * then the special tokens, then merge results), each token's bytes, its standalone frequency
 * f(t) and its scaffold flag.
 */
export const BYTE_TOKENS = 256;

export class TokenTable {
  /** Bytes of each token as a latin-1 string (one char per byte): cheap to concatenate and hash. */
  private readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();
  /** f(t): occurrences of t as a standalone token in the current L. */
  freq = new Float64Array(1024);
  /** 1 when t is a scaffold token (in S), 0 when normal (in V). */
  scaffold = new Uint8Array(1024);
  /** Bytes and special tokens: pinned as normal, never components of a scaffold test. */
  readonly baseSize: number;

  constructor(specialCount: number) {
    for (let b = 0; b < BYTE_TOKENS; b++) this.push(String.fromCharCode(b), true);
    // Special tokens get no byte key: a merge result with the same text must not resolve to them.
    for (let s = 0; s < specialCount; s++) this.push('', false);
    this.baseSize = BYTE_TOKENS + specialCount;
  }

  get size(): number {
    return this.keys.length;
  }

  key(t: number): string {
    return this.keys[t];
  }

  /** The id of the token whose bytes are `key`, if any. */
  idOf(key: string): number | undefined {
    return this.ids.get(key);
  }

  /** Adds the result of merging a and b as a new normal token and returns its id. */
  add(a: number, b: number): number {
    return this.push(this.keys[a] + this.keys[b], true);
  }

  private push(key: string, index: boolean): number {
    const id = this.keys.length;
    this.keys.push(key);
    if (index) this.ids.set(key, id);
    if (id >= this.freq.length) this.grow();
    return id;
  }

  private grow(): void {
    this.freq = resized(this.freq, this.freq.length * 2);
    this.scaffold = resized(this.scaffold, this.scaffold.length * 2);
  }
}
