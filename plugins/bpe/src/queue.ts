import { resized } from './resized.js';

/**
 * The training priority queue Q of spec 1.2/1.4: one binary max-heap holding both candidate
 * pairs (a, b) keyed by their non-overlapping count, and pushed-back scaffold tokens (a, -1)
 * keyed by their standalone frequency. Entries are never updated in place: the trainer pushes a
 * fresh entry on every change and skips stale ones when it pops (lazy invalidation).
 *
 * The order is total, so training is deterministic whatever the push order:
 *   1. higher key first;
 *   2. on equal keys, pairs before scaffold tokens (`pairsFirst`, the spec's recommendation,
 *      closest to plain BPE) or tokens before pairs;
 *   3. then lower `a`, then lower `b` (ids are in creation order; bytes by byte value).
 */
export const TIE_BREAK_RULE = 'key desc; on equal keys {pairs|tokens} first; then lower a; then lower b (ids in creation order, bytes by value)';

export class MergeQueue {
  private keys = new Float64Array(1024);
  private as = new Int32Array(1024);
  private bs = new Int32Array(1024);
  private n = 0;

  constructor(private readonly pairsFirst: boolean) {}

  get size(): number {
    return this.n;
  }
  /** Key of the top entry; only valid when size > 0. */
  get topKey(): number {
    return this.keys[0];
  }
  get topA(): number {
    return this.as[0];
  }
  /** -1 when the top entry is a scaffold token. */
  get topB(): number {
    return this.bs[0];
  }

  push(key: number, a: number, b: number): void {
    if (this.n === this.keys.length) this.grow();
    let i = this.n++;
    // sift up with a hole instead of swaps
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.precedes(key, a, b, this.keys[parent], this.as[parent], this.bs[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.keys[i] = key;
    this.as[i] = a;
    this.bs[i] = b;
  }

  pop(): void {
    const last = --this.n;
    if (last === 0) return;
    const key = this.keys[last];
    const a = this.as[last];
    const b = this.bs[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.slotPrecedes(child + 1, child)) child++;
      if (!this.precedes(this.keys[child], this.as[child], this.bs[child], key, a, b)) break;
      this.move(child, i);
      i = child;
    }
    this.keys[i] = key;
    this.as[i] = a;
    this.bs[i] = b;
  }

  /** Does entry 1 leave the queue before entry 2? (the total order in the file comment) */
  private precedes(k1: number, a1: number, b1: number, k2: number, a2: number, b2: number): boolean {
    if (k1 !== k2) return k1 > k2;
    const pair1 = b1 >= 0;
    if (pair1 !== b2 >= 0) return pair1 === this.pairsFirst;
    if (a1 !== a2) return a1 < a2;
    return b1 < b2;
  }

  private slotPrecedes(i: number, j: number): boolean {
    return this.precedes(this.keys[i], this.as[i], this.bs[i], this.keys[j], this.as[j], this.bs[j]);
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from];
    this.as[to] = this.as[from];
    this.bs[to] = this.bs[from];
  }

  private grow(): void {
    const size = this.keys.length * 2;
    this.keys = resized(this.keys, size);
    this.as = resized(this.as, size);
    this.bs = resized(this.bs, size);
  }
}
