import { auroc, definePlugin, deriveSeed, type DetectionPrompt, type Evaluator, type MetricRecord } from '@labbench/core';

/**
 * A first zero-shot detector (white-box: the scorer is the generator). For each held-out human
 * passage the model continues the same prompt; both continuations are cut to the same number of
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
    const pairs: { prompt: string; human: string; machine: string }[] = [];
    for (const [i, item] of prompts.entries()) {
      const humanIds = tokenizer.encode(item.human).subarray(0, Math.max(8, Math.floor(scorer.maxLength / 2)));
      const [machine] = await scorer.generate([item.prompt], { maxTokens: humanIds.length, temperature, seed: deriveSeed(context.seed, `detect#${i}`) });
      const machineIds = tokenizer.encode(machine);
      const length = Math.min(humanIds.length, machineIds.length);
      if (length < 4) continue; // the model ended the text at once: nothing to score
      pairs.push({ prompt: item.prompt, human: tokenizer.decode(humanIds.subarray(0, length)), machine: tokenizer.decode(machineIds.subarray(0, length)) });
    }
    if (pairs.length < 2) return [];
    const texts = pairs.flatMap((p) => [p.human, p.machine]);
    const labels = pairs.flatMap(() => [0, 1] as const); // 1 = machine
    const likelihood = await scorer.logLikelihood(pairs.flatMap((p) => [{ context: p.prompt, continuation: p.human }, { context: p.prompt, continuation: p.machine }]));
    const meanLl = likelihood.map((s) => s.logLikelihood / Math.max(1, s.tokens));
    const ranks = await scorer.tokenScores(texts);
    const meanLogRank = ranks.map((s) => -s.ranks.reduce((a, r) => a + Math.log(r), 0) / Math.max(1, s.ranks.length));
    const details = { pairs: pairs.length, generator: 'self', temperature, lengthMatched: true };
    const records: MetricRecord[] = [
      { board: 'detection', metric: 'self.loglik.auroc', value: auroc(meanLl, labels), direction: 'higher', n: texts.length, details },
      { board: 'detection', metric: 'self.logrank.auroc', value: auroc(meanLogRank, labels), direction: 'higher', n: texts.length, details: { ...details, context: 'none' } },
    ];
    return records;
  },
};

export default definePlugin({ id: 'detection-basic', evaluators: [detectionBasic] });
