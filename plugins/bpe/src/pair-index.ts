/**
 * Pair bookkeeping of the trainer: the non-overlapping count of every pair in L, the words that
 * (may) contain it, and which pairs a merge changed, so that exactly those get a fresh queue
 * entry (spec 1.4: "after every change of a pair count, push a fresh entry").
 */
import { PairTable } from './pair-table.js';
import { resized } from './resized.js';

export class PairIndex {
  private readonly table = new PairTable(1 << 16);
  private counts = new Float64Array(1 << 16);
  /** Count of an entry when the current merge first touched it. */
  private before = new Float64Array(1 << 16);
  private stamps = new Int32Array(1 << 16);
  private blocked = new Uint8Array(1 << 16);
  /** Words that contained the pair when it was indexed (a superset: stale ids are skipped). */
  private readonly lists: (number[] | undefined)[] = [];
  private readonly touched: number[] = [];
  private stamp = 1;

  /** Live count of (a, b); 0 when never seen. */
  count(a: number, b: number): number {
    const e = this.table.find(a, b);
    return e < 0 ? 0 : this.counts[e];
  }

  isBlocked(a: number, b: number): boolean {
    const e = this.table.find(a, b);
    return e >= 0 && this.blocked[e] === 1;
  }

  /** Drops (a, b) from the queue for good (paper-literal duplicate rule). */
  block(a: number, b: number): void {
    this.blocked[this.entry(a, b)] = 1;
  }

  /** Adds d to the count of (a, b), remembering that the current merge changed it. Returns the entry. */
  add(a: number, b: number, d: number): number {
    const e = this.entry(a, b);
    if (this.stamps[e] !== this.stamp) {
      this.stamps[e] = this.stamp;
      this.before[e] = this.counts[e];
      this.touched.push(e);
    }
    this.counts[e] += d;
    return e;
  }

  /** Records that word w contains the pair of entry e (consecutive duplicates are skipped). */
  index(e: number, w: number): void {
    const list = this.lists[e];
    if (list === undefined) this.lists[e] = [w];
    else if (list[list.length - 1] !== w) list.push(w);
  }

  /** Removes and returns the word list of (a, b). */
  takeWords(a: number, b: number): number[] {
    const e = this.table.find(a, b);
    if (e < 0) return [];
    const list = this.lists[e] ?? [];
    this.lists[e] = undefined;
    return list;
  }

  /** Ends a merge: calls push(count, a, b) for every pair whose count changed and is now > 0. */
  flush(push: (count: number, a: number, b: number) => void): void {
    for (const e of this.touched) {
      const count = this.counts[e];
      if (count !== this.before[e] && count > 0 && this.blocked[e] === 0) push(count, this.table.first(e), this.table.second(e));
    }
    this.touched.length = 0;
    this.stamp++;
  }

  private entry(a: number, b: number): number {
    const e = this.table.insert(a, b);
    if (e >= this.counts.length) this.grow();
    return e;
  }

  private grow(): void {
    const size = this.counts.length * 2;
    this.counts = resized(this.counts, size);
    this.before = resized(this.before, size);
    this.stamps = resized(this.stamps, size);
    this.blocked = resized(this.blocked, size);
  }
}
