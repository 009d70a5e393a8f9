import type { TokenLM } from './lm.js';

// Absolute discount of interpolated Kneser-Ney (Chen & Goodman's usual single-discount choice).
const DISCOUNT = 0.75;

interface Counts {
  total: number;
  /** Number of distinct followers (N1+(context ·)). */
  types: number;
  next: Map<number, number>;
}

function bump(map: Map<number, Counts>, key: number, token: number, by = 1): boolean {
  let c = map.get(key);
  if (!c) { c = { total: 0, types: 0, next: new Map() }; map.set(key, c); }
  const before = c.next.get(token) ?? 0;
  c.next.set(token, before + by);
  c.total += by;
  if (before === 0) c.types++;
  return before === 0;
}

/**
 * G0 of spec 6.4: an interpolated Kneser-Ney trigram model over the shared tokenizer's ids (a
 * "BPE trigram"). The lowest order is the continuation unigram interpolated with a uniform floor,
 * so every token has positive probability. Streams are documents; each starts after `eos`.
 */
export class KneserNeyTrigram implements TokenLM {
  readonly id: string;
  private readonly trigrams = new Map<number, Counts>(); // key u * V + v
  /** Continuation counts N1+(· v w), indexed by v. */
  private readonly bigramContinuations = new Map<number, Counts>();
  private readonly unigramContinuations: Float64Array; // N1+(· w)
  private unigramTypes = 0;

  constructor(id: string, readonly vocabSize: number, documents: readonly Int32Array[], private readonly eos: number) {
    this.id = id;
    this.unigramContinuations = new Float64Array(vocabSize);
    const seenBigrams = new Set<number>();
    for (const doc of documents) {
      let u = eos;
      let v = eos;
      for (const w of doc) {
        if (bump(this.trigrams, u * vocabSize + v, w)) bump(this.bigramContinuations, v, w); // a new (u v w) type adds to N1+(· v w)
        const bigram = v * vocabSize + w;
        if (!seenBigrams.has(bigram)) { seenBigrams.add(bigram); this.unigramContinuations[w]++; this.unigramTypes++; }
        u = v;
        v = w;
      }
    }
  }

  /** Probabilities of every next token after (u, v). */
  private distribution(u: number, v: number): Float64Array {
    const V = this.vocabSize;
    const p = new Float64Array(V);
    const floor = 1 / V;
    const uniLambda = this.unigramTypes > 0 ? 0.01 : 1; // a small uniform share keeps unseen tokens possible
    for (let w = 0; w < V; w++) p[w] = uniLambda * floor + (1 - uniLambda) * (this.unigramContinuations[w] / Math.max(1, this.unigramTypes));
    for (const [counts] of [[this.bigramContinuations.get(v)], [this.trigrams.get(u * V + v)]] as const) {
      if (!counts || counts.total === 0) continue;
      const backoff = (DISCOUNT * counts.types) / counts.total;
      for (let w = 0; w < V; w++) p[w] *= backoff;
      for (const [w, c] of counts.next) p[w] += Math.max(c - DISCOUNT, 0) / counts.total;
    }
    return p;
  }

  nextLogProbs(contexts: readonly Int32Array[]): Float32Array[] {
    return contexts.map((c) => {
      const v = c.length >= 1 ? c[c.length - 1] : this.eos;
      const u = c.length >= 2 ? c[c.length - 2] : this.eos;
      return Float32Array.from(this.distribution(u, v), (x) => Math.log(x));
    });
  }

  sequenceLogProb(items: readonly { readonly context: Int32Array; readonly tokens: Int32Array }[]): number[] {
    return items.map(({ context, tokens }) => {
      let u = context.length >= 2 ? context[context.length - 2] : this.eos;
      let v = context.length >= 1 ? context[context.length - 1] : this.eos;
      let sum = 0;
      for (const w of tokens) {
        sum += Math.log(this.distribution(u, v)[w]);
        u = v;
        v = w;
      }
      return sum;
    });
  }
}
