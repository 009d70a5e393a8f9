import { perItemDetails, type DialogueItem, type EvalContext, type EvalSubject, type Evaluator, type MetricRecord } from '@labbench/core';
import { dot, rankOf, selectionMetrics } from './metrics.js';
import type { DialMaeModel } from './model.js';
import { joinTurns } from './pairs.js';

/** The dialogue sets' items carry the turns and the split of their document (see @labbench/corpora). */
interface DialogueSetItem extends DialogueItem {
  readonly turns?: readonly string[];
  readonly split?: 'valid' | 'test';
}

export const DIALOGUE_SETS = ['dialogue-email-random', 'dialogue-email-hard', 'dialogue-fiction-random', 'dialogue-fiction-hard'] as const;

function isRetrievalModel(model: unknown): model is DialMaeModel {
  return typeof (model as { embedTexts?: unknown } | undefined)?.embedTexts === 'function';
}

/** Ranks of the true response for every item: contexts and candidates embedded once, dot-product scores. */
export function rankItems(model: DialMaeModel, encode: (text: string) => Int32Array, items: readonly DialogueSetItem[]): number[] {
  const contexts = items.map((item) => joinTurns((item.turns && item.turns.length > 0 ? item.turns : [item.context]).map(encode), model.vocab));
  const unique = new Map<string, number>();
  for (const item of items) for (const c of item.candidates) if (!unique.has(c)) unique.set(c, unique.size);
  const contextVectors = model.embedTexts(contexts, 'context');
  const candidateVectors = model.embedTexts([...unique.keys()].map(encode), 'response');
  return items.map((item, i) => rankOf(item.candidates.map((c) => dot(contextVectors[i], candidateVectors[unique.get(c)!])), item.label));
}

/**
 * Response selection with the subject's encoder (zero-shot after post-training, or the fine-tuned
 * bi-encoder): R10@1, R10@2, R10@5 and MRR on the random- and hard-negative dialogue sets.
 * Options: `sets` (default all four), `split` ('all' | 'valid' | 'test'; default 'all', nothing is tuned on valid).
 */
export const responseSelection: Evaluator = {
  id: 'dial-mae-retrieval',
  description: 'Response selection (R10@1/2/5, MRR) of a bi-encoder on the dialogue sets: dot product of [CLS] vectors, deterministic tie-breaking.',
  boards: ['dialogue'],
  requires: 'encoder',
  async evaluate(subject: EvalSubject, context: EvalContext): Promise<MetricRecord[]> {
    const model = subject.model;
    if (!isRetrievalModel(model)) {
      context.log('the model has no embedTexts (not a dial-mae-encoder); skipped.');
      return [];
    }
    const sets = (context.options.sets as string[] | undefined) ?? [...DIALOGUE_SETS];
    const split = (context.options.split as string | undefined) ?? 'all';
    const stage = model.config.objective === 'infonce' ? 'fine-tuned' : 'zero-shot';
    const encode = (text: string) => subject.tokenizer.encode(text);
    const records: MetricRecord[] = [];
    for (const name of sets) {
      const items = (await context.data.set<DialogueSetItem>(name)).filter((item) => split === 'all' || item.split === split);
      if (items.length === 0) continue;
      const ranks = rankItems(model, encode, items);
      const m = selectionMetrics(ranks);
      const task = name.replace(/^dialogue-/, '');
      const details = { stage, objective: model.config.objective, split, candidates: items[0].candidates.length };
      // per-item values (hit or reciprocal rank), grouped by e-mail thread (several replies of one
      // thread are not independent), so a claim's interval carries the item sample's noise beside the
      // seeds' (study v4; before, seeds only)
      const threads = items.map((item) => item.threadId);
      const perItem = { 'r10@1': ranks.map((r) => +(r <= 1)), 'r10@2': ranks.map((r) => +(r <= 2)), 'r10@5': ranks.map((r) => +(r <= 5)), mrr: ranks.map((r) => 1 / r) };
      for (const [metric, value, stderr] of [['r10@1', m.r1, m.stderr.r1], ['r10@2', m.r2, m.stderr.r2], ['r10@5', m.r5, m.stderr.r5], ['mrr', m.mrr, m.stderr.mrr]] as const) {
        records.push({ board: 'dialogue', metric: `${task}.${metric}`, value, stderr, direction: 'higher', n: m.n, details: { ...details, ...perItemDetails(perItem[metric], threads) } });
      }
      context.log(`${name} (${stage}, ${m.n} items): R10@1 ${m.r1.toFixed(3)}, MRR ${m.mrr.toFixed(3)}`);
    }
    return records;
  },
};
