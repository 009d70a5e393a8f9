import { resized } from './resized.js';

/**
 * Hash table from a pair of token ids (a, b) to a dense entry number 0, 1, 2, ... (insertion
 * order). Callers keep values in their own typed arrays indexed by entry, which never moves.
 *
 * Why not a Map keyed by a * 2^21 + b: training and encoding look pairs up millions of times,
 * and such keys are doubles, boxed on every call (GC pressure) and hashed generically. Here the
 * keys live in typed arrays with open addressing and linear probing. Entries are never deleted
 * (a pair whose count drops to 0 keeps its entry; there are few).
 */
const EMPTY = -1;

export class PairTable {
  private slots: Int32Array;
  private mask: number;
  private firsts = new Int32Array(1024);
  private seconds = new Int32Array(1024);
  private count = 0;

  constructor(expected = 1024) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
  }

  /** Number of entries; entry numbers are 0 .. size - 1. */
  get size(): number {
    return this.count;
  }

  first(entry: number): number {
    return this.firsts[entry];
  }

  second(entry: number): number {
    return this.seconds[entry];
  }

  /** Entry of (a, b), or -1. */
  find(a: number, b: number): number {
    const slots = this.slots;
    for (let i = hash(a, b) & this.mask; ; i = (i + 1) & this.mask) {
      const entry = slots[i];
      if (entry === EMPTY) return EMPTY;
      if (this.firsts[entry] === a && this.seconds[entry] === b) return entry;
    }
  }

  /** Entry of (a, b), added if new. */
  insert(a: number, b: number): number {
    if ((this.count + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const slots = this.slots;
    for (let i = hash(a, b) & this.mask; ; i = (i + 1) & this.mask) {
      const entry = slots[i];
      if (entry === EMPTY) {
        if (this.count === this.firsts.length) this.growEntries();
        const added = this.count++;
        this.firsts[added] = a;
        this.seconds[added] = b;
        slots[i] = added;
        return added;
      }
      if (this.firsts[entry] === a && this.seconds[entry] === b) return entry;
    }
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let i = hash(this.firsts[entry], this.seconds[entry]) & this.mask;
      while (this.slots[i] !== EMPTY) i = (i + 1) & this.mask;
      this.slots[i] = entry;
    }
  }

  private growEntries(): void {
    this.firsts = resized(this.firsts, this.firsts.length * 2);
    this.seconds = resized(this.seconds, this.seconds.length * 2);
  }
}

/** A 32-bit mix of both ids (murmur3 finaliser), so that linear probing sees spread-out slots. */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
