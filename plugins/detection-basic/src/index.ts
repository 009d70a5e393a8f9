import { auroc, definePlugin, deriveSeed, type DetectionPrompt, type Evaluator, type MetricRecord, type Scorer, type TrainedTokenizer } from '@labbench/core';

/**
 * The model's continuations of every prompt, each as long as its human continuation
 * (`lengths[i]` tokens): one batched `generate` call per distinct length (most prompts share the
 * longest), each with its own seed, so the whole set costs a few batched decoding runs.
 *
 * A prompt is cut to its last T - n tokens (n = the continuation's length), so prompt and
 * continuation fit in the context together: the generator then sees the same left context the
 * detector scores the continuation with (`logLikelihood` keeps the last T + 1 tokens), and its
 * window never slides, which keeps generation on the key-value cache.
 */
async function generateByLength(scorer: Scorer, tokenizer: TrainedTokenizer, prompts: readonly string[], lengths: readonly number[], temperature: number, seed: number): Promise<string[]> {
  const byLength = new Map<number, number[]>();
  lengths.forEach((n, i) => byLength.set(n, [...(byLength.get(n) ?? []), i]));
  const out: string[] = new Array(prompts.length);
  for (const [maxTokens, indices] of [...byLength].sort(([a], [b]) => a - b)) {
    const keep = Math.max(1, scorer.maxLength - maxTokens);
    const cut = indices.map((i) => {
      const ids = tokenizer.encode(prompts[i]);
      return ids.length > keep ? tokenizer.decode(ids.subarray(ids.length - keep)) : prompts[i];
    });
    const texts = await scorer.generate(cut, { maxTokens, temperature, seed: deriveSeed(seed, `detect#tokens${maxTokens}`) });
    texts.forEach((text, k) => { out[indices[k]] = text; });
  }
  return out;
}

/**
 * A first zero-shot detector (white-box: the scorer is the generator). For each held-out human
 * passage the model continues the same prompt (cut to fit the context with its continuation); both continuations are cut to the same number of
 * tokens (length-matched) and scored given the prompt. Machine text should be more likely under
 * its own model: the detectors are mean log-likelihood and negated mean log-rank.
 */
export const detectionBasic: Evaluator = {
  id: 'detection-basic',
  description: 'Human vs the model\'s own continuations of the same prompts: AUROC of mean log-likelihood and mean log-rank.',
  boards: ['detection'],
  requires: 'causal',
  async evaluate(subject, context) {
    const { scorer, tokenizer } = subject;
    if (!scorer) return [];
    const prompts = await context.data.set<DetectionPrompt>('detection-prompts');
    if (prompts.length < 2) return [];
    const temperature = Number(context.options.temperature ?? 1);
    const humanIds = prompts.map((item) => tokenizer.encode(item.human).subarray(0, Math.max(8, Math.floor(scorer.maxLength / 2))));
    const machines = await generateByLength(scorer, tokenizer, prompts.map((p) => p.prompt), humanIds.map((ids) => ids.length), temperature, context.seed);
    const pairs: { prompt: string; human: string; machine: string }[] = [];
    for (const [i, item] of prompts.entries()) {
      const machineIds = tokenizer.encode(machines[i]);
      const length = Math.min(humanIds[i].length, machineIds.length);
      if (length < 4) continue; // the model ended the text at once: nothing to score
      pairs.push({ prompt: item.prompt, human: tokenizer.decode(humanIds[i].subarray(0, length)), machine: tokenizer.decode(machineIds.subarray(0, length)) });
    }
    if (pairs.length < 2) return [];
    const texts = pairs.flatMap((p) => [p.human, p.machine]);
    const labels = pairs.flatMap(() => [0, 1] as const); // 1 = machine
    const likelihood = await scorer.logLikelihood(pairs.flatMap((p) => [{ context: p.prompt, continuation: p.human }, { context: p.prompt, continuation: p.machine }]));
    const meanLl = likelihood.map((s) => s.logLikelihood / Math.max(1, s.tokens));
    const ranks = await scorer.tokenScores(texts);
    const meanLogRank = ranks.map((s) => -s.ranks.reduce((a, r) => a + Math.log(r), 0) / Math.max(1, s.ranks.length));
    // rows of the detection board (registered by hc3-plus): the same facets as its records, no metric-name encoding
    const facets = (detector: string) => ({ task: 'self-continuation', detector, generator: 'self', decoding: `temperature-${temperature}` });
    const details = { pairs: pairs.length, temperature, lengthMatched: true };
    const records: MetricRecord[] = [
      { board: 'detection', metric: 'auroc', value: auroc(meanLl, labels), direction: 'higher', n: texts.length, details: { ...details, facets: facets('loglik') } },
      { board: 'detection', metric: 'auroc', value: auroc(meanLogRank, labels), direction: 'higher', n: texts.length, details: { ...details, facets: facets('logrank'), context: 'none' } },
    ];
    return records;
  },
};

export default definePlugin({ id: 'detection-basic', evaluators: [detectionBasic] });
