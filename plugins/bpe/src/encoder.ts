/**
 * Encoding and decoding (spec 1.5): cut out special tokens, pretokenize, merge each piece by
 * rank over the expanded vocabulary, demolish surviving scaffold tokens through the
 * precomputed map, and emit compact ids over V only. Decoding concatenates token bytes.
 */
import { MergeApplier } from './apply-merges.js';
import { configError } from './errors.js';
import type { BpeModel } from './model.js';
import { compilePattern, forEachPiece, splitSpecials } from './pretokenize.js';

/** Default bound of the per-piece cache; it is cleared when full (cheap, and text is Zipfian). */
export const DEFAULT_CACHE_SIZE = 50_000;
/** Pieces longer than this (UTF-16 units) are not cached: rare, and they would pin memory. */
const MAX_CACHED_PIECE = 64;

export class Encoder {
  private readonly re: RegExp;
  private readonly applier: MergeApplier;
  private readonly cache = new Map<string, Int32Array>();
  private readonly utf8 = new TextEncoder();
  private readonly specialIds: Int32Array;
  private bytes = new Uint8Array(256);
  private sym = new Int32Array(256);
  private out = new Int32Array(1024);
  private length = 0;

  constructor(private readonly model: BpeModel, private readonly cacheSize = DEFAULT_CACHE_SIZE, longPiece?: number) {
    this.re = compilePattern(model.spec.pattern, 'encoder');
    this.applier = new MergeApplier(model, longPiece);
    this.specialIds = Int32Array.from(model.spec.specialTokens, (_, i) => model.specialId(i));
  }

  encode(text: string): Int32Array {
    this.length = 0;
    const onPiece = (piece: string) => this.append(this.encodePiece(piece));
    splitSpecials(text, this.model.spec.specialTokens, (segment) => forEachPiece(segment, this.re, onPiece),
      (i) => this.append(this.specialIds.subarray(i, i + 1)));
    return this.out.slice(0, this.length);
  }

  /** Emitted ids of one pretokenized piece (cached). The result must not be modified. */
  encodePiece(piece: string): Int32Array {
    const cached = this.cache.get(piece);
    if (cached !== undefined) return cached;
    const ids = this.encodeUncached(piece);
    if (piece.length <= MAX_CACHED_PIECE && this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) this.cache.clear();
      this.cache.set(piece, ids);
    }
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    const { model } = this;
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= model.vocabSize) {
        throw configError(`decode › ids[${i}]`, `id ${id} is outside the vocabulary 0..${model.vocabSize - 1}.`,
          'Decode ids produced by this tokenizer.');
      }
      total += model.bytes[model.expandedOf[id]].length;
    }
    const buf = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = model.bytes[model.expandedOf[ids[i]]];
      buf.set(bytes, at);
      at += bytes.length;
    }
    return new TextDecoder().decode(buf);
  }

  private encodeUncached(piece: string): Int32Array {
    // a UTF-16 unit becomes at most 3 UTF-8 bytes
    if (this.bytes.length < piece.length * 3) {
      this.bytes = new Uint8Array(piece.length * 3);
      this.sym = new Int32Array(piece.length * 3);
    }
    const n = this.utf8.encodeInto(piece, this.bytes).written;
    const sym = this.sym;
    for (let i = 0; i < n; i++) sym[i] = this.bytes[i];
    const m = this.applier.apply(sym, n);
    const { demolitionStart, demolished } = this.model;
    let count = 0;
    for (let i = 0; i < m; i++) count += demolitionStart[sym[i] + 1] - demolitionStart[sym[i]];
    const ids = new Int32Array(count);
    let at = 0;
    for (let i = 0; i < m; i++) {
      for (let j = demolitionStart[sym[i]]; j < demolitionStart[sym[i] + 1]; j++) ids[at++] = demolished[j];
    }
    return ids;
  }

  private append(ids: Int32Array): void {
    if (this.length + ids.length > this.out.length) {
      const grown = new Int32Array(Math.max(this.out.length * 2, this.length + ids.length));
      grown.set(this.out.subarray(0, this.length));
      this.out = grown;
    }
    this.out.set(ids, this.length);
    this.length += ids.length;
  }
}
