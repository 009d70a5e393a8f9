/**
 * The trained model as the encoder needs it, rebuilt from the serialised form (spec 1.5):
 * the expanded vocabulary E replayed from the ordered merge list, scaffold flags, the compact
 * ids over V (0..N-1, the only ids ever emitted) and the precomputed demolition of every token.
 */
import { contractError } from './errors.js';
import { BYTE_TOKENS } from './token-table.js';
import { PairTable } from './pair-table.js';

/** What a tokenizer file stores about the model (all ids are expanded ids, in creation order). */
export interface ModelSpec {
  readonly pattern: string;
  /** Special tokens, ids 256.. in this order; the first is the end-of-text token. */
  readonly specialTokens: readonly string[];
  /** Merges in rank order as [a, b] pairs; a merge whose result text exists reuses that id. */
  readonly merges: readonly (readonly [number, number])[];
  /** Expanded ids flagged scaffold (never emitted). */
  readonly scaffold: readonly number[];
  /** Emitted id of every expanded token (-1 for scaffold). Default: V in creation order. */
  readonly ids?: readonly number[];
}

export class BpeModel {
  /** |E| */
  readonly tokenCount: number;
  /** Bytes of each expanded token (special tokens: their UTF-8 text). */
  readonly bytes: Uint8Array[] = [];
  /** Defining merge of each token (the first merge that produced it); -1 for bytes and specials. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** rank -> expanded id of the merge result */
  readonly results: Int32Array;
  /** Merge pairs inserted in rank order, so a pair's entry number is its rank. */
  private readonly ranks: PairTable;
  readonly isScaffold: Uint8Array;
  /** expanded id -> emitted id (-1 for scaffold) and back */
  readonly emitId: Int32Array;
  readonly expandedOf: Int32Array;
  /** Demolition of token e into emitted ids: demolished[demolitionStart[e] .. demolitionStart[e + 1]). */
  readonly demolitionStart: Int32Array;
  readonly demolished: Int32Array;

  constructor(readonly spec: ModelSpec, where: string) {
    const specials = spec.specialTokens;
    if (specials.length === 0) throw contractError(`${where} › specialTokens`, 'is empty.', "Add at least the end-of-text token, e.g. ['<|endoftext|>'].");
    const base = BYTE_TOKENS + specials.length;
    const total = base + spec.merges.length; // upper bound on |E|
    this.left = new Int32Array(total).fill(-1);
    this.right = new Int32Array(total).fill(-1);
    this.results = new Int32Array(spec.merges.length);
    this.ranks = new PairTable(spec.merges.length);
    const keys = this.replay(base, where);
    this.tokenCount = keys.length;
    this.isScaffold = new Uint8Array(this.tokenCount);
    for (const [i, t] of spec.scaffold.entries()) {
      if (!Number.isInteger(t) || t < base || t >= this.tokenCount) {
        throw contractError(`${where} › scaffold[${i}]`, `id ${t} is not a merged token (bytes and specials are pinned normal; merged ids are ${base}..${this.tokenCount - 1}).`,
          'Only merge results can be scaffold tokens.');
      }
      this.isScaffold[t] = 1;
    }
    this.emitId = this.assignIds(where);
    this.expandedOf = new Int32Array(this.tokenCount - spec.scaffold.length);
    for (let e = 0; e < this.tokenCount; e++) if (this.emitId[e] >= 0) this.expandedOf[this.emitId[e]] = e;
    [this.demolitionStart, this.demolished] = this.demolish();
  }

  /** Number of ids encode can emit, |V|. */
  get vocabSize(): number {
    return this.expandedOf.length;
  }

  /** Rank of the merge of (a, b), or -1 when there is none. */
  rankOf(a: number, b: number): number {
    return this.ranks.find(a, b);
  }

  /** Emitted id of special token i (0 is the end-of-text token). */
  specialId(i: number): number {
    return this.emitId[BYTE_TOKENS + i];
  }

  /** Replays the merges to give every token its bytes and id, as training did. */
  private replay(base: number, where: string): string[] {
    const keys: string[] = [];
    const ids = new Map<string, number>();
    for (let b = 0; b < BYTE_TOKENS; b++) {
      keys.push(String.fromCharCode(b));
      ids.set(keys[b], b);
      this.bytes.push(Uint8Array.of(b));
    }
    const encoder = new TextEncoder();
    for (const special of this.spec.specialTokens) {
      keys.push('');
      this.bytes.push(encoder.encode(special));
    }
    for (const [r, pair] of this.spec.merges.entries()) {
      const [a, b] = pair;
      for (const c of [a, b]) {
        if (!Number.isInteger(c) || c < 0 || c >= keys.length || (c >= BYTE_TOKENS && c < base)) {
          throw contractError(`${where} › merges[${r}]`, `component ${c} is not a byte or an earlier merge result (known ids: 0..255 and ${base}..${keys.length - 1}).`,
            'Merges must be in rank order and may not use special tokens.');
        }
      }
      if (this.ranks.insert(a, b) !== r) {
        throw contractError(`${where} › merges[${r}]`, `pair (${a}, ${b}) repeats merge ${this.ranks.find(a, b)}.`, 'Each pair may be merged once.');
      }
      const key = keys[a] + keys[b];
      let t = ids.get(key);
      if (t === undefined) {
        t = keys.length;
        keys.push(key);
        ids.set(key, t);
        this.left[t] = a;
        this.right[t] = b;
        const bytes = new Uint8Array(this.bytes[a].length + this.bytes[b].length);
        bytes.set(this.bytes[a]);
        bytes.set(this.bytes[b], this.bytes[a].length);
        this.bytes.push(bytes);
      }
      this.results[r] = t;
    }
    return keys;
  }

  private assignIds(where: string): Int32Array {
    const emit = new Int32Array(this.tokenCount);
    if (this.spec.ids === undefined) {
      let next = 0;
      for (let e = 0; e < this.tokenCount; e++) emit[e] = this.isScaffold[e] ? -1 : next++;
      return emit;
    }
    const ids = this.spec.ids;
    const normal = this.tokenCount - this.spec.scaffold.length;
    const used = new Uint8Array(normal);
    if (ids.length !== this.tokenCount) {
      throw contractError(`${where} › ids`, `has ${ids.length} entries for ${this.tokenCount} tokens.`, 'Give one emitted id per expanded token.');
    }
    for (let e = 0; e < this.tokenCount; e++) {
      const id = ids[e];
      const ok = this.isScaffold[e] ? id === -1 : Number.isInteger(id) && id >= 0 && id < normal && used[id] === 0;
      if (!ok) {
        throw contractError(`${where} › ids[${e}]`, `id ${id} is invalid (scaffold tokens need -1; normal tokens a unique id in 0..${normal - 1}).`,
          'Emitted ids must number the normal tokens densely.');
      }
      if (id >= 0) used[id] = 1;
      emit[e] = id;
    }
    return emit;
  }

  /** Spec 1.5 step 3: a scaffold token becomes its defining merge's parts, recursively. */
  private demolish(): [Int32Array, Int32Array] {
    const start = new Int32Array(this.tokenCount + 1);
    const out: number[] = [];
    for (let e = 0; e < this.tokenCount; e++) {
      start[e] = out.length;
      if (!this.isScaffold[e]) {
        out.push(this.emitId[e]);
        continue;
      }
      // parts were created earlier, so their demolitions are already in `out`
      for (const part of [this.left[e], this.right[e]]) {
        for (let i = start[part]; i < start[part + 1]; i++) out.push(out[i]);
      }
    }
    start[this.tokenCount] = out.length;
    return [start, Int32Array.from(out)];
  }
}
