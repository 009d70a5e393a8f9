import type { EvalDocument, Evaluator, LanguageModel, MetricRecord, Scorer } from '@labbench/core';
import type { RoutingControl } from '@labbench/tensor';
import { DISABLE_TOP1 } from '../routing.js';

interface Routable extends LanguageModel {
  setRoutingMode(mode: Partial<RoutingControl>): RoutingControl;
}

function isRoutable(model: LanguageModel | undefined): model is Routable {
  return typeof (model as Partial<Routable> | undefined)?.setRoutingMode === 'function';
}

async function tokenPerplexity(scorer: Scorer, docs: readonly EvalDocument[]): Promise<{ ppl: number; tokens: number }> {
  const scores = await scorer.rollingLogLikelihood(docs.map((d) => d.text));
  const ll = scores.reduce((a, s) => a + s.logLikelihood, 0);
  const tokens = scores.reduce((a, s) => a + s.tokens, 0);
  return { ppl: Math.exp(-ll / Math.max(1, tokens)), tokens };
}

/**
 * CartesianMoE Table 4: perplexity with each token's top-1 expert disabled (the next k experts are
 * taken instead), in every routed sub-layer of every MoE layer, against the same documents scored
 * normally. Rolling disjoint windows as in the perplexity evaluator.
 */
export const disableTop1Evaluator: Evaluator = {
  id: 'moe-disable-top1',
  description:
    "In-domain token perplexity with every token's top-1 expert disabled in every routed sub-layer (CartesianMoE Table 4), and its ratio to the normal perplexity.",
  boards: ['ppl'],
  requires: 'causal',
  async evaluate(subject, context) {
    const { scorer, model } = subject;
    if (!scorer || !isRoutable(model)) return [];
    const docs = await context.data.inDomain();
    const base = await tokenPerplexity(scorer, docs);
    const previous = model.setRoutingMode({ [DISABLE_TOP1]: true });
    let disabled: { ppl: number; tokens: number };
    try {
      disabled = await tokenPerplexity(scorer, docs);
    } finally {
      model.setRoutingMode(previous);
    }
    const details = {
      protocol: 'rolling-disjoint',
      window: scorer.maxLength,
      domain: 'id',
      documents: docs.length,
      mode: 'top-1 expert removed in every routed sub-layer, next k selected',
    };
    const records: MetricRecord[] = [
      { board: 'ppl', metric: 'disable_top1.id.token_ppl', value: disabled.ppl, direction: 'lower', n: disabled.tokens, details },
      { board: 'ppl', metric: 'disable_top1.id.base_token_ppl', value: base.ppl, direction: 'lower', n: base.tokens, details },
      { board: 'ppl', metric: 'disable_top1.id.ppl_ratio', value: disabled.ppl / base.ppl, direction: 'lower', n: base.tokens, details },
    ];
    return records;
  },
};
