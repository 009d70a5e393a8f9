import type {
  ContinuationRequest,
  ContinuationScore,
  GenerationOptions,
  LanguageModel,
  RollingScore,
  Scorer,
  TokenScores,
  TrainedTokenizer,
} from '@labbench/core';
import { type ScoredRows, type ScoreRow, scoreRows } from '../eval/batched-forward.js';
import { cachedTokenizer } from '../eval/encode-cache.js';
import { generateIds } from '../eval/generation.js';
import { KvDecoder, verifiedKvScale } from '../eval/kv-decoder.js';
import type { ScoreNeeds } from '../eval/logit-stats.js';
import { scoreSharedPrefixes, sharedPrefixGroups } from '../eval/shared-prefix.js';
import type { DecoderLM } from '../nn/decoder.js';

export { sampleToken } from '../eval/sampling.js';

/**
 * lm-eval's three requests (plus per-token scores for detectors) over a causal LanguageModel.
 * Every sequence starts with the end-of-text token as its context, and long texts are scored in
 * disjoint windows of the model's context length (each token predicted once, with only its
 * window's prefix), as lm-eval's rolling log-likelihood does.
 *
 * Evaluation is forward-only and batched (eval/batched-forward.ts: rows packed by length, about
 * 4k positions per pass, scores computed on the host from one read of the logits); texts are
 * encoded once per tokenizer and process (eval/encode-cache.ts); generation runs all prompts
 * together, with a key-value cache on the reference decoder (eval/generation.ts). Continuations
 * that share a context run it once on that cache (eval/shared-prefix.ts).
 */
export class CausalScorer implements Scorer {
  private readonly tokenizer: TrainedTokenizer;

  /**
   * @param batchSize the fewest rows per forward pass (the profile's batch); passes hold more
   *   rows when they are short, up to about 4k positions.
   * @param options.sharePrefixes false scores every continuation as its own row, context included
   *   (the path shared-prefix scoring is tested against); default true.
   */
  constructor(
    private readonly model: LanguageModel,
    tokenizer: TrainedTokenizer,
    readonly maxLength: number,
    private readonly batchSize: number,
    private readonly options: { sharePrefixes?: boolean } = {},
  ) {
    this.tokenizer = cachedTokenizer(tokenizer);
  }

  /** The verified key-value decoder of the model, or undefined when it has none (see kv-decoder.ts). */
  private kvDecoder(): KvDecoder | undefined {
    const scale = verifiedKvScale(this.model);
    return scale === undefined ? undefined : new KvDecoder(this.model as DecoderLM, scale);
  }

  private score(rows: readonly ScoreRow[], needs: ScoreNeeds, decoder = this.kvDecoder()): ScoredRows {
    return scoreRows(this.model, rows, { padId: this.tokenizer.eosId, vocab: this.tokenizer.vocabSize, minRows: this.batchSize, needs, decoder });
  }

  /**
   * Disjoint windows over [eos, ...tokens]: window w feeds positions [wT, wT + n) of that
   * sequence and predicts the next n, so every token is a target exactly once.
   */
  private windows(tokens: Int32Array): ScoreRow[] {
    const T = this.maxLength;
    const seq = new Int32Array(tokens.length + 1);
    seq[0] = this.tokenizer.eosId;
    seq.set(tokens, 1);
    const rows: ScoreRow[] = [];
    for (let start = 0; start < tokens.length; start += T) {
      const length = Math.min(T, tokens.length - start);
      rows.push({ ids: seq.subarray(start, start + length), targets: seq.subarray(start + 1, start + 1 + length) });
    }
    return rows;
  }

  /**
   * Every text's windows scored in one batched call. In the result, text i's tokens occupy
   * positions [first[i], first[i] + tokens[i].length) of the scores: its windows are
   * consecutive rows and every window position is a target.
   */
  private perToken(texts: readonly string[], needs: ScoreNeeds): { tokens: Int32Array[]; first: Int32Array; scored: ScoredRows } {
    const tokens = texts.map((text) => this.tokenizer.encode(text));
    const perText = tokens.map((t) => this.windows(t));
    const scored = this.score(perText.flat(), needs);
    const first = new Int32Array(texts.length);
    let row = 0;
    perText.forEach((rows, i) => {
      first[i] = scored.offsets[row];
      row += rows.length;
    });
    return { tokens, first, scored };
  }

  async rollingLogLikelihood(texts: readonly string[], options: { keepTokens?: boolean } = {}): Promise<RollingScore[]> {
    const { tokens, first, scored } = this.perToken(texts, {});
    return tokens.map((ids, i) => {
      const logProbs = scored.scores.logProbs.slice(first[i], first[i] + ids.length);
      let logLikelihood = 0;
      for (const lp of logProbs) logLikelihood += lp;
      const bytes = Buffer.byteLength(texts[i], 'utf8');
      return options.keepTokens
        ? { logLikelihood, tokens: ids.length, bytes, tokenLogProbs: logProbs, tokenIds: ids.slice() }
        : { logLikelihood, tokens: ids.length, bytes };
    });
  }

  async tokenScores(texts: readonly string[]): Promise<TokenScores[]> {
    const { tokens, first, scored } = this.perToken(texts, { distribution: true });
    const s = scored.scores;
    return tokens.map((ids, i) => {
      const [from, to] = [first[i], first[i] + ids.length];
      const entropies = s.entropies.slice(from, to);
      return {
        tokenIds: ids.slice(),
        logProbs: s.logProbs.slice(from, to),
        ranks: s.ranks.slice(from, to),
        entropies,
        expectedLogProbs: entropies.map((h) => -h),
        varianceLogProbs: s.variances.slice(from, to),
      };
    });
  }

  /**
   * Each request as the row [eos, context, continuation] cut to its last T + 1 tokens, scored at
   * the continuation's positions. On the key-value path, requests whose context window (the row
   * up to the continuation's first target) recurs run that window once (eval/shared-prefix.ts);
   * the others, and models without the path, are scored row by row.
   */
  async logLikelihood(requests: readonly ContinuationRequest[]): Promise<ContinuationScore[]> {
    const T = this.maxLength;
    const rows = requests.map(({ context, continuation }) => {
      const ctx = this.tokenizer.encode(context);
      const cont = this.tokenizer.encode(continuation).subarray(0, T); // a continuation longer than T is cut
      const seq = new Int32Array(1 + ctx.length + cont.length);
      seq[0] = this.tokenizer.eosId;
      seq.set(ctx, 1);
      seq.set(cont, 1 + ctx.length);
      const window = seq.subarray(Math.max(0, seq.length - (T + 1))); // keep the last T + 1 tokens
      const ids = window.subarray(0, window.length - 1);
      const targets = new Int32Array(ids.length).fill(-1);
      targets.set(window.subarray(window.length - cont.length), ids.length - cont.length); // the continuation's positions
      return { ids, targets, cont: cont.length };
    });
    const decoder = this.kvDecoder();
    const prefixed = rows.map(({ ids, targets, cont }) => ({
      prefix: ids.subarray(0, ids.length - cont + 1),
      continuation: targets.subarray(ids.length - cont),
    }));
    const groups = decoder && this.options.sharePrefixes !== false ? sharedPrefixGroups(prefixed) : [];
    const shared = groups.length > 0 ? scoreSharedPrefixes(decoder!, prefixed, groups, { padId: this.tokenizer.eosId, vocab: this.tokenizer.vocabSize }) : [];
    const alone = rows.flatMap((_, i) => (shared[i] ? [] : [i]));
    const { scores, offsets } = this.score(
      alone.map((i) => rows[i]),
      { argmax: true },
      decoder,
    );
    const results = new Array<ContinuationScore>(rows.length);
    shared.forEach((s, i) => {
      if (s) results[i] = { ...s, tokens: rows[i].cont };
    });
    alone.forEach((i, r) => {
      let logLikelihood = 0;
      let isGreedy = true;
      rows[i].targets.forEach((t, j) => {
        if (t < 0) return;
        logLikelihood += scores.logProbs[offsets[r] + j];
        if (scores.argmax[offsets[r] + j] !== t) isGreedy = false;
      });
      results[i] = { logLikelihood, isGreedy, tokens: rows[i].cont };
    });
    return results;
  }

  async generate(prompts: readonly string[], options: GenerationOptions): Promise<string[]> {
    const encoded = prompts.map((prompt) => {
      const ids = this.tokenizer.encode(prompt);
      const seq = new Int32Array(ids.length + 1);
      seq[0] = this.tokenizer.eosId;
      seq.set(ids, 1);
      return seq;
    });
    const generated = generateIds(this.model, encoded, options, { maxLength: this.maxLength, eosId: this.tokenizer.eosId });
    return generated.map((ids) => this.tokenizer.decode(ids));
  }
}
