import { standardError, type ClozeItem, type Evaluator, type MetricRecord, type TrainedTokenizer } from '@labbench/core';

const DISTRACTORS = 3;

/**
 * Frequency proxy of a word under the cell's training stream: the smallest training count among
 * the tokens of ' ' + word (a word cannot occur more often than its rarest piece).
 */
export function wordFrequency(tokenizer: TrainedTokenizer, counts: ArrayLike<number>, word: string): number {
  const ids = tokenizer.encode(` ${word}`);
  let min = Number.POSITIVE_INFINITY;
  for (const id of ids) min = Math.min(min, counts[id] ?? 0);
  return ids.length === 0 ? 0 : min;
}

/**
 * Distractors of similar frequency: the `k` other target words of the set whose log frequency is
 * closest to the item's (ties by word, so the choice is deterministic).
 */
export function pickDistractors(target: string, pool: readonly { word: string; logFreq: number }[], logFreq: number, k = DISTRACTORS): string[] {
  return pool
    .filter((p) => p.word !== target)
    .sort((a, b) => Math.abs(a.logFreq - logFreq) - Math.abs(b.logFreq - logFreq) || a.word.localeCompare(b.word))
    .slice(0, k)
    .map((p) => p.word);
}

/**
 * Rare-word multiple-choice cloze (spec 6.2): each sentence-final content word of `cloze-lastword`
 * against 3 distractor words of similar training frequency, scored by the summed log-likelihood of
 * ' ' + word after the context. Accuracy overall and for the rarest third of targets ("rare") vs the
 * rest ("frequent"), by the frequency proxy above.
 */
export const rareWordCloze: Evaluator = {
  id: 'rare-word-cloze',
  description: 'Multiple-choice cloze (true word vs 3 distractors of similar training frequency); accuracy overall and on rare target words.',
  boards: ['downstream'],
  requires: 'causal',
  async evaluate(subject, context) {
    if (!subject.scorer || !subject.tokenCounts) return [];
    const set = (context.options.set as string | undefined) ?? 'cloze-lastword';
    const items = (await context.data.set<ClozeItem>(set)).slice(0, context.limits.items);
    if (items.length < DISTRACTORS + 1) return [];
    const counts = subject.tokenCounts;
    const freq = new Map<string, number>();
    for (const item of items) if (!freq.has(item.target)) freq.set(item.target, Math.log1p(wordFrequency(subject.tokenizer, counts, item.target)));
    const pool = [...freq].map(([word, logFreq]) => ({ word, logFreq }));
    const choices = items.map((item) => [item.target, ...pickDistractors(item.target, pool, freq.get(item.target)!)]);
    const requests = items.flatMap((item, i) => choices[i].map((c) => ({ context: item.context, continuation: ` ${c}` })));
    const scores = await subject.scorer.logLikelihood(requests);
    const width = DISTRACTORS + 1;
    const hits = items.map((_, i) => {
      const ll = scores.slice(i * width, (i + 1) * width).map((s) => s.logLikelihood);
      return ll.indexOf(Math.max(...ll)) === 0 ? 1 : 0; // ties go to the first (true) choice only if it is the max
    });
    const rareCut = [...items.map((it) => freq.get(it.target)!)].sort((a, b) => a - b)[Math.floor(items.length / 3)];
    const rare = items.map((it) => freq.get(it.target)! < rareCut);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const details = { set, distractors: DISTRACTORS, chance: 1 / width, scoring: 'sum log-likelihood', rare: 'targets below the 1/3 quantile of min-piece training count' };
    const records: MetricRecord[] = [];
    const add = (name: string, xs: number[]) => {
      if (xs.length > 0) records.push({ board: 'downstream', metric: `mc-cloze-${name}.acc`, value: mean(xs), stderr: standardError(xs), direction: 'higher', n: xs.length, details });
    };
    add('all', hits);
    add('rare', hits.filter((_, i) => rare[i]));
    add('frequent', hits.filter((_, i) => !rare[i]));
    return records;
  },
};
