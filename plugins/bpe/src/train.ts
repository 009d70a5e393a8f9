/**
 * Algorithm 1 of Scaffold-BPE (spec 1.3), with plain BPE as the same loop with marking off.
 *
 * State: the words of L (words.ts), pair counts and a pair -> words index, the standalone
 * frequency f(t) of every token, and the queue Q (queue.ts) with lazy invalidation (spec 1.4).
 * A merge rewrites only the words that contain the pair, so training is near-linear in the
 * corpus size.
 */
import { PairIndex } from './pair-index.js';
import { MergeQueue } from './queue.js';
import { TokenTable } from './token-table.js';
import type { WordStore } from './words.js';

export type DuplicateMerges = 'reuse-id' | 'paper-literal';

export interface TrainConfig {
  /** N: normal tokens to reach, counting the 256 bytes and the special tokens. */
  readonly targetSize: number;
  readonly scaffold: boolean;
  readonly specialCount: number;
  /** Tie-break of equal keys: pairs before scaffold tokens (spec recommendation) or after. */
  readonly pairsFirst: boolean;
  readonly duplicateMerges: DuplicateMerges;
  /** Record every iteration (for the trace properties of spec 1.8; costs memory). */
  readonly trace?: boolean;
}

/** One iteration of the loop; `head` is f(Q_head) read after the queue update. */
export interface TrainEvent {
  readonly kind: 'merge' | 'unmark' | 'skip';
  readonly key: number;
  readonly a: number;
  /** -1 for `unmark` popped from a token entry. */
  readonly b: number;
  readonly t: number;
  /** The merge result already existed (two merges giving one string). */
  readonly reused: boolean;
  readonly marked: readonly number[];
  readonly markedFreq: readonly number[];
  readonly head: number;
}

export interface TrainOutcome {
  /** Merges in rank order: merges[2r], merges[2r+1] -> results[r]. */
  readonly merges: Int32Array;
  readonly results: Int32Array;
  readonly tokens: TokenTable;
  /** f(Q_head) at termination (0 when Q is empty). */
  readonly finalHead: number;
  readonly exhausted: boolean;
  readonly iterations: number;
  readonly marks: number;
  readonly unmarks: number;
  /** |E| when plain BPE with the same N would have stopped, and f(t) at that moment (for stats). */
  readonly cutoffTokens: number;
  readonly cutoffFreq: Float64Array | null;
  readonly trace?: readonly TrainEvent[];
}

export function trainMerges(words: WordStore, config: TrainConfig): TrainOutcome {
  return new Trainer(words, config).run();
}

class Trainer {
  private readonly queue: MergeQueue;
  private readonly tokens: TokenTable;
  private readonly pairs = new PairIndex();
  /** Pair buffer for WordStore.pairs (a0, b0, a1, b1, ...). */
  private readonly buf: Int32Array;
  private readonly push = (count: number, a: number, b: number) => this.queue.push(count, a, b);
  private readonly seen: Int32Array;
  private stamp = 0;
  private normal: number;
  private readonly merges: number[] = [];
  private readonly results: number[] = [];
  private readonly trace: TrainEvent[] | undefined;
  private marks = 0;
  private unmarks = 0;
  private iterations = 0;
  private cutoffTokens = -1;
  private cutoffFreq: Float64Array | null = null;

  constructor(private readonly words: WordStore, private readonly config: TrainConfig) {
    this.queue = new MergeQueue(config.pairsFirst);
    this.tokens = new TokenTable(config.specialCount);
    this.normal = this.tokens.size;
    this.seen = new Int32Array(words.size);
    this.buf = new Int32Array(2 * Math.max(1, words.maxLength()));
    this.trace = config.trace ? [] : undefined;
    this.countInitialPairs();
  }

  run(): TrainOutcome {
    this.snapshotIfCutoff();
    let exhausted = false;
    while (this.normal < this.config.targetSize) {
      if (!this.peekValid()) {
        exhausted = true;
        break;
      }
      this.iterations++;
      const key = this.queue.topKey;
      const a = this.queue.topA;
      const b = this.queue.topB;
      this.queue.pop();
      if (b < 0) this.unmark(a, key);
      else this.mergeStep(a, b, key);
    }
    return {
      merges: Int32Array.from(this.merges), results: Int32Array.from(this.results), tokens: this.tokens,
      finalHead: this.peekValid() ? this.queue.topKey : 0, exhausted, iterations: this.iterations,
      marks: this.marks, unmarks: this.unmarks, cutoffTokens: this.cutoffTokens, cutoffFreq: this.cutoffFreq,
      ...(this.trace ? { trace: this.trace } : {}),
    };
  }

  private countInitialPairs(): void {
    const { words, tokens, pairs, buf } = this;
    for (let w = 0; w < words.size; w++) {
      const c = words.counts[w];
      const end = words.starts[w] + words.lengths[w];
      for (let i = words.starts[w]; i < end; i++) tokens.freq[words.symbols[i]] += c;
      const n = words.pairs(w, buf);
      for (let i = 0; i < n; i++) pairs.index(pairs.add(buf[2 * i], buf[2 * i + 1], c), w);
    }
    pairs.flush(this.push);
  }

  /** Drops stale entries until the top is live; false when Q has no live entry. */
  private peekValid(): boolean {
    const { queue, tokens } = this;
    while (queue.size > 0) {
      const key = queue.topKey;
      const a = queue.topA;
      const b = queue.topB;
      if (key > 0) {
        if (b < 0 ? tokens.scaffold[a] === 1 && tokens.freq[a] === key
          : this.pairs.count(a, b) === key && !this.pairs.isBlocked(a, b)) return true;
      }
      queue.pop();
    }
    return false;
  }

  /** A pushed-back scaffold token reached the head: it becomes normal again (no merge). */
  private unmark(t: number, key: number): void {
    this.tokens.scaffold[t] = 0;
    this.normal++;
    this.unmarks++;
    this.record('unmark', key, t, -1, t, false, [], []);
  }

  private mergeStep(a: number, b: number, key: number): void {
    const { tokens } = this;
    const existing = tokens.idOf(tokens.key(a) + tokens.key(b));
    if (existing !== undefined && this.config.duplicateMerges === 'paper-literal') {
      // Algorithm 1 read literally: no rewrite of L; a scaffold result is re-integrated.
      this.pairs.block(a, b);
      const wasScaffold = tokens.scaffold[existing] === 1;
      if (wasScaffold) {
        tokens.scaffold[existing] = 0;
        this.normal++;
        this.unmarks++;
      }
      this.record(wasScaffold ? 'unmark' : 'skip', key, a, b, existing, true, [], []);
      return;
    }
    const t = existing ?? tokens.add(a, b);
    if (existing === undefined) this.normal++;
    else if (tokens.scaffold[t] === 1) {
      tokens.scaffold[t] = 0; // spec 1.9: the duplicate merge re-integrates a scaffold result
      this.normal++;
      this.unmarks++;
    }
    this.merges.push(a, b);
    this.results.push(t);
    const replaced = this.rewrite(a, b, t);
    if (replaced !== key) {
      throw new Error(`bpe trainer: merge (${a}, ${b}) replaced ${replaced} occurrences but its queue key was ${key}; the pair index is corrupt (a bug, please report).`);
    }
    if (existing === undefined) this.snapshotIfCutoff();
    const marked: number[] = [];
    const markedFreq: number[] = [];
    if (this.config.scaffold) this.markComponents(a, b, marked, markedFreq);
    this.record('merge', key, a, b, t, existing !== undefined, marked, markedFreq);
  }

  /** Replaces (a, b) by t in every word that holds it; updates f, pair counts, index and Q. */
  private rewrite(a: number, b: number, t: number): number {
    const { words, tokens, pairs, buf } = this;
    const stamp = ++this.stamp;
    let replaced = 0;
    for (const w of pairs.takeWords(a, b)) {
      if (this.seen[w] === stamp) continue;
      this.seen[w] = stamp;
      const c = words.counts[w];
      let n = words.pairs(w, buf);
      for (let i = 0; i < n; i++) pairs.add(buf[2 * i], buf[2 * i + 1], -c);
      const r = words.merge(w, a, b, t); // 0 for a stale index entry: the re-add below undoes the subtraction
      replaced += r * c;
      n = words.pairs(w, buf);
      for (let i = 0; i < n; i++) {
        const x = buf[2 * i];
        const y = buf[2 * i + 1];
        const e = pairs.add(x, y, c);
        if (r > 0 && (x === t || y === t)) pairs.index(e, w); // only pairs with t are new to this word
      }
    }
    tokens.freq[t] += replaced;
    tokens.freq[a] -= replaced; // f(a) <- f(a) - f(t); twice when a === b
    tokens.freq[b] -= replaced;
    pairs.flush(this.push);
    return replaced;
  }

  /** Scaffold-BPE's addition: re-check the merged pair's components against the new head. */
  private markComponents(a: number, b: number, marked: number[], markedFreq: number[]): void {
    const { tokens } = this;
    const head = this.peekValid() ? this.queue.topKey : 0;
    for (const c of a === b ? [a] : [a, b]) {
      if (c < tokens.baseSize) continue; // bytes and specials are pinned as normal (spec 1.4)
      const f = tokens.freq[c];
      if (tokens.scaffold[c] === 1) {
        // Spec 1.4: a scaffold token whose frequency fell is re-pushed with its new key. In
        // practice f is then 0 (not pushed): a pair (c, x) counts at most f(c), so it leaves Q
        // before c's own entry only on a tie, and then it replaces every occurrence of c.
        if (f > 0) this.queue.push(f, c, -1);
      } else if (f < head) {
        tokens.scaffold[c] = 1;
        this.normal--;
        this.marks++;
        marked.push(c);
        markedFreq.push(f);
        if (f > 0) this.queue.push(f, c, -1);
      }
    }
  }

  private snapshotIfCutoff(): void {
    if (this.cutoffTokens < 0 && this.tokens.size >= this.config.targetSize) {
      this.cutoffTokens = this.tokens.size;
      this.cutoffFreq = this.tokens.freq.slice(0, this.tokens.size);
    }
  }

  private record(kind: TrainEvent['kind'], key: number, a: number, b: number, t: number, reused: boolean,
    marked: number[], markedFreq: number[]): void {
    if (!this.trace) return;
    const head = this.peekValid() ? this.queue.topKey : 0;
    this.trace.push({ kind, key, a, b, t, reused, marked, markedFreq, head });
  }
}
