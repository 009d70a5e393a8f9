import { resized } from './resized.js';

/**
 * Spec 1.5 step 2 ("Scaffolding"): ordinary BPE encoding of one piece with the expanded merge
 * list. Repeatedly merge the adjacent pair of lowest rank, the leftmost one on ties, until no
 * pair has a rank. This is also Hugging Face's order, so exported plain-BPE files give our ids.
 *
 * Two implementations of the same rule: a quadratic scan over a rank array for short pieces
 * (nearly all of them; no allocation, no hashing after the first pass) and a linked list with
 * a min-heap of (rank, position) for long pieces, so a 1 MB run of letters stays O(n log n).
 */
export interface MergeRanks {
  /** Rank of the merge of (a, b), or -1. */
  rankOf(a: number, b: number): number;
  /** rank -> result id */
  readonly results: Int32Array;
}

const NONE = 0x7fffffff;
/** Pieces longer than this use the heap; the scan costs O(n) per merge. */
export const LONG_PIECE = 48;

export class MergeApplier {
  private rankBuf = new Int32Array(LONG_PIECE);
  private heapRank = new Int32Array(64);
  private heapPos = new Int32Array(64);
  private prev = new Int32Array(64);
  private next = new Int32Array(64);

  constructor(private readonly table: MergeRanks, private readonly longPiece = LONG_PIECE) {}

  /** Merges sym[0..n) in place; returns the new length. */
  apply(sym: Int32Array, n: number): number {
    return n > this.longPiece ? this.applyLong(sym, n) : this.applyShort(sym, n);
  }

  private rankOf(a: number, b: number): number {
    const rank = this.table.rankOf(a, b);
    return rank < 0 ? NONE : rank;
  }

  private applyShort(sym: Int32Array, n: number): number {
    if (this.rankBuf.length < n) this.rankBuf = new Int32Array(n);
    const ranks = this.rankBuf;
    for (let i = 0; i + 1 < n; i++) ranks[i] = this.rankOf(sym[i], sym[i + 1]);
    while (n > 1) {
      let best = NONE;
      let at = -1;
      for (let i = 0; i + 1 < n; i++) {
        if (ranks[i] < best) {
          best = ranks[i];
          at = i;
        }
      }
      if (at < 0) break;
      sym[at] = this.table.results[best];
      sym.copyWithin(at + 1, at + 2, n);
      ranks.copyWithin(at + 1, at + 2, n - 1);
      n--;
      if (at > 0) ranks[at - 1] = this.rankOf(sym[at - 1], sym[at]);
      if (at + 1 < n) ranks[at] = this.rankOf(sym[at], sym[at + 1]);
    }
    return n;
  }

  private applyLong(sym: Int32Array, n: number): number {
    this.reserve(n);
    const { prev, next } = this;
    for (let i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    let size = 0;
    for (let i = 0; i + 1 < n; i++) {
      const r = this.rankOf(sym[i], sym[i + 1]);
      if (r !== NONE) size = this.heapPush(size, r, i);
    }
    while (size > 0) {
      const r = this.heapRank[0];
      const i = this.heapPos[0];
      size = this.heapPop(size);
      const j = next[i];
      // stale when i was absorbed (prev/next rewired) or its pair changed since the push
      if (j < 0 || sym[i] < 0 || this.rankOf(sym[i], sym[j]) !== r) continue;
      sym[i] = this.table.results[r];
      sym[j] = -1;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      if (prev[i] >= 0) {
        const rl = this.rankOf(sym[prev[i]], sym[i]);
        if (rl !== NONE) size = this.heapPush(size, rl, prev[i]);
      }
      if (next[i] >= 0) {
        const rr = this.rankOf(sym[i], sym[next[i]]);
        if (rr !== NONE) size = this.heapPush(size, rr, i);
      }
    }
    let out = 0;
    for (let i = 0; i >= 0; i = next[i]) sym[out++] = sym[i];
    return out;
  }

  private reserve(n: number): void {
    if (this.prev.length >= n) return;
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
    this.heapRank = new Int32Array(2 * n);
    this.heapPos = new Int32Array(2 * n);
  }

  /** Min-heap on (rank, position): lowest rank first, leftmost on ties. */
  private heapPush(size: number, r: number, pos: number): number {
    if (size === this.heapRank.length) this.growHeap();
    const hr = this.heapRank;
    const hp = this.heapPos;
    let i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (hr[parent] < r || (hr[parent] === r && hp[parent] < pos)) break;
      hr[i] = hr[parent];
      hp[i] = hp[parent];
      i = parent;
    }
    hr[i] = r;
    hp[i] = pos;
    return size + 1;
  }

  private heapPop(size: number): number {
    const hr = this.heapRank;
    const hp = this.heapPos;
    const last = size - 1;
    const r = hr[last];
    const pos = hp[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && (hr[child + 1] < hr[child] || (hr[child + 1] === hr[child] && hp[child + 1] < hp[child]))) child++;
      if (hr[child] > r || (hr[child] === r && hp[child] > pos)) break;
      hr[i] = hr[child];
      hp[i] = hp[child];
      i = child;
    }
    hr[i] = r;
    hp[i] = pos;
    return last;
  }

  private growHeap(): void {
    this.heapRank = resized(this.heapRank, this.heapRank.length * 2);
    this.heapPos = resized(this.heapPos, this.heapPos.length * 2);
  }
}
