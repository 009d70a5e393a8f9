import { defineBoard, definePlugin, perItemDetails, standardError, type ClozeItem, type Evaluator, type MetricRecord, type MultipleChoiceItem, type Scorer } from '@labbench/core';

/**
 * Zero-shot downstream tasks scored by log-likelihood, as lm-eval does:
 * - cloze (LAMBADA-style and unfiltered last word): correct when greedy decoding reproduces the
 *   whole target word (` word`) after the context;
 * - multiple choice: the choice with the highest log-likelihood (acc) and the highest
 *   log-likelihood per character (acc_norm, lm-eval's length normalisation).
 */
/** Per-item values for a bootstrap over items (core's perItemDetails); `tokens` counts the scored continuation tokens. */
function perItem(values: readonly number[], tokens: number) {
  return { ...perItemDetails(values), tokens };
}

async function cloze(scorer: Scorer, name: string, items: readonly ClozeItem[]): Promise<MetricRecord[]> {
  if (items.length === 0) return [];
  const scores = await scorer.logLikelihood(items.map((i) => ({ context: i.context, continuation: ` ${i.target}` })));
  const hits = scores.map((s) => (s.isGreedy ? 1 : 0));
  const acc = hits.reduce<number>((a, b) => a + b, 0) / hits.length;
  const meanLl = scores.reduce((a, s) => a + s.logLikelihood, 0) / scores.length;
  const tokens = scores.reduce((a, s) => a + s.tokens, 0);
  return [
    { board: 'downstream', metric: `${name}.acc`, value: acc, stderr: standardError(hits), direction: 'higher', n: items.length, details: { scoring: 'greedy whole-word match', ...perItem(hits, tokens) } },
    { board: 'downstream', metric: `${name}.target_loglik`, value: meanLl, direction: 'higher', n: items.length, details: perItem(scores.map((s) => s.logLikelihood), tokens) },
  ];
}

async function multipleChoice(scorer: Scorer, name: string, items: readonly MultipleChoiceItem[]): Promise<MetricRecord[]> {
  if (items.length === 0) return [];
  const requests = items.flatMap((item) => item.choices.map((choice) => ({ context: item.context, continuation: choice })));
  const scores = await scorer.logLikelihood(requests);
  const acc: number[] = [];
  const accNorm: number[] = [];
  let offset = 0;
  for (const item of items) {
    const ll = scores.slice(offset, offset + item.choices.length).map((s) => s.logLikelihood);
    offset += item.choices.length;
    const best = (values: number[]) => values.indexOf(Math.max(...values)); // ties: first choice
    acc.push(best(ll) === item.label ? 1 : 0);
    accNorm.push(best(ll.map((v, i) => v / Math.max(1, item.choices[i].length))) === item.label ? 1 : 0);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const chance = 1 / items[0].choices.length;
  const tokens = scores.reduce((a, s) => a + s.tokens, 0);
  return [
    { board: 'downstream', metric: `${name}.acc`, value: mean(acc), stderr: standardError(acc), direction: 'higher', n: items.length, details: { chance, ...perItem(acc, tokens) } },
    { board: 'downstream', metric: `${name}.acc_norm`, value: mean(accNorm), stderr: standardError(accNorm), direction: 'higher', n: items.length, details: { chance, normaliser: 'characters', ...perItem(accNorm, tokens) } },
  ];
}

export const CLOZE_SETS = ['cloze-lambada', 'cloze-lastword'] as const;
export const CHOICE_SETS = ['mc-next-sentence'] as const;

export const downstream: Evaluator = {
  id: 'downstream',
  description: 'LAMBADA-style and last-word cloze accuracy; next-sentence multiple choice (acc, acc_norm).',
  boards: ['downstream'],
  requires: 'causal',
  async evaluate(subject, context) {
    if (!subject.scorer) return [];
    const sets = (context.options.sets as string[] | undefined) ?? [...CLOZE_SETS, ...CHOICE_SETS];
    const records: MetricRecord[] = [];
    for (const name of sets) {
      if (name.startsWith('cloze-')) records.push(...(await cloze(subject.scorer, name, await context.data.set<ClozeItem>(name))));
      else records.push(...(await multipleChoice(subject.scorer, name, await context.data.set<MultipleChoiceItem>(name))));
    }
    return records;
  },
};

export default definePlugin({
  id: 'downstream',
  evaluators: [downstream],
  boards: [defineBoard({ id: 'downstream', title: 'Zero-shot downstream tasks: cloze and multiple choice accuracy', headline: 'cloze-lambada.acc', direction: 'higher' })],
});
