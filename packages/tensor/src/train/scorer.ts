import type { ContinuationRequest, ContinuationScore, GenerationOptions, LanguageModel, RollingScore, Scorer, TokenScores, TrainedTokenizer } from '@labbench/core';
import { scoreRows, type ScoreRow, type ScoredRows } from '../eval/batched-forward.js';
import { cachedTokenizer } from '../eval/encode-cache.js';
import { generateIds } from '../eval/generation.js';
import { KvDecoder, verifiedKvScale } from '../eval/kv-decoder.js';
import type { DecoderLM } from '../nn/decoder.js';
import type { ScoreNeeds } from '../eval/logit-stats.js';

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
 * together, with a key-value cache on the reference decoder (eval/generation.ts).
 */
export class CausalScorer implements Scorer {
  private readonly tokenizer: TrainedTokenizer;

  /**
   * @param batchSize the fewest rows per forward pass (the profile's batch); passes hold more
   *   rows when they are short, up to about 4k positions.
   */
  constructor(private readonly model: LanguageModel, tokenizer: TrainedTokenizer, readonly maxLength: number, private readonly batchSize: number) {
    this.tokenizer = cachedTokenizer(tokenizer);
  }

  private score(rows: readonly ScoreRow[], needs: ScoreNeeds): ScoredRows {
    const scale = verifiedKvScale(this.model);
    const decoder = scale === undefined ? undefined : new KvDecoder(this.model as DecoderLM, scale);
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
      return options.keepTokens ? { logLikelihood, tokens: ids.length, bytes, tokenLogProbs: logProbs, tokenIds: ids.slice() } : { logLikelihood, tokens: ids.length, bytes };
    });
  }

  async tokenScores(texts: readonly string[]): Promise<TokenScores[]> {
    const { tokens, first, scored } = this.perToken(texts, { distribution: true });
    const s = scored.scores;
    return tokens.map((ids, i) => {
      const [from, to] = [first[i], first[i] + ids.length];
      const entropies = s.entropies.slice(from, to);
      return {
        tokenIds: ids.slice(), logProbs: s.logProbs.slice(from, to), ranks: s.ranks.slice(from, to), entropies,
        expectedLogProbs: entropies.map((h) => -h), varianceLogProbs: s.variances.slice(from, to),
      };
    });
  }

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
      return { ids, targets };
    });
    const { scores, offsets } = this.score(rows, { argmax: true });
    return rows.map((row, i) => {
      let logLikelihood = 0;
      let isGreedy = true;
      row.targets.forEach((t, j) => {
        if (t < 0) return;
        logLikelihood += scores.logProbs[offsets[i] + j];
        if (scores.argmax[offsets[i] + j] !== t) isGreedy = false;
      });
      return { logLikelihood, isGreedy, tokens: row.targets.filter((t) => t >= 0).length };
    });
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
