/**
 * A deliberately naive Scaffold-BPE / BPE trainer for tests: it recounts every pair and every
 * token frequency from scratch in every iteration and picks the head by scanning all live
 * candidates. No heap, no index, no incremental update: slow, but obviously Algorithm 1.
 * The fast trainer must produce exactly the same merges and flags (spec 1.8, invariant 7).
 */
export interface ReferenceConfig {
  readonly targetSize: number;
  readonly scaffold: boolean;
  readonly specialCount: number;
  readonly pairsFirst: boolean;
}

export interface ReferenceResult {
  readonly merges: [number, number][];
  readonly scaffold: number[];
  readonly tokenCount: number;
  readonly exhausted: boolean;
}

interface Candidate { key: number; a: number; b: number }

export function referenceTrain(pieces: ReadonlyMap<string, number>, config: ReferenceConfig): ReferenceResult {
  const utf8 = new TextEncoder();
  const words = [...pieces].map(([piece, count]) => ({ syms: Array.from(utf8.encode(piece)), count }));
  const keys: string[] = [];
  for (let b = 0; b < 256; b++) keys.push(String.fromCharCode(b));
  for (let s = 0; s < config.specialCount; s++) keys.push('\u0100'); // no latin-1 byte string equals it
  const base = keys.length;
  const scaffold = new Set<number>();
  const merges: [number, number][] = [];
  const normal = () => keys.length - scaffold.size;

  const pairCounts = () => {
    const counts = new Map<string, number>();
    for (const { syms, count } of words) {
      for (let i = 0; i + 1 < syms.length; i++) {
        const k = `${syms[i]},${syms[i + 1]}`;
        counts.set(k, (counts.get(k) ?? 0) + count);
        if (syms[i] === syms[i + 1] && i + 2 < syms.length && syms[i + 2] === syms[i]) i++; // non-overlapping runs
      }
    }
    return counts;
  };
  const freq = (t: number) => words.reduce((sum, { syms, count }) => sum + count * syms.filter((s) => s === t).length, 0);
  const precedes = (x: Candidate, y: Candidate) => {
    if (x.key !== y.key) return x.key > y.key;
    if ((x.b >= 0) !== (y.b >= 0)) return (x.b >= 0) === config.pairsFirst;
    return x.a !== y.a ? x.a < y.a : x.b < y.b;
  };
  const head = (): Candidate | null => {
    let best: Candidate | null = null;
    for (const [k, count] of pairCounts()) {
      const [a, b] = k.split(',').map(Number);
      const c = { key: count, a, b };
      if (best === null || precedes(c, best)) best = c;
    }
    for (const t of scaffold) {
      const c = { key: freq(t), a: t, b: -1 };
      if (c.key > 0 && (best === null || precedes(c, best))) best = c;
    }
    return best;
  };

  while (normal() < config.targetSize) {
    const top = head();
    if (top === null) return { merges, scaffold: [...scaffold].sort((x, y) => x - y), tokenCount: keys.length, exhausted: true };
    if (top.b < 0) {
      scaffold.delete(top.a);
      continue;
    }
    const { a, b } = top;
    const text = keys[a] + keys[b];
    let t = keys.indexOf(text, base);
    if (t < 0) {
      t = keys.length;
      keys.push(text);
    } else scaffold.delete(t);
    merges.push([a, b]);
    for (const word of words) {
      const out: number[] = [];
      for (let i = 0; i < word.syms.length; i++) {
        if (i + 1 < word.syms.length && word.syms[i] === a && word.syms[i + 1] === b) {
          out.push(t);
          i++;
        } else out.push(word.syms[i]);
      }
      word.syms = out;
    }
    if (!config.scaffold) continue;
    const headKey = head()?.key ?? 0;
    for (const c of new Set([a, b])) {
      if (c >= base && !scaffold.has(c) && freq(c) < headKey) scaffold.add(c);
    }
  }
  return { merges, scaffold: [...scaffold].sort((x, y) => x - y), tokenCount: keys.length, exhausted: false };
}
