import { documentSeries, type EvalDocument, type Evaluator, type LanguageModel, type MetricRecord, type RollingScore } from '@labbench/core';
import type { RoutingControl } from '@labbench/tensor';
import { DISABLE_TOP1 } from '../routing.js';

interface Routable extends LanguageModel {
  setRoutingMode(mode: Partial<RoutingControl>): RoutingControl;
}

function isRoutable(model: LanguageModel | undefined): model is Routable {
  return typeof (model as Partial<Routable> | undefined)?.setRoutingMode === 'function';
}

/** Token perplexity of a set of scored documents: exp of the token-weighted mean NLL. */
function tokenPerplexity(scores: readonly RollingScore[]): number {
  const ll = scores.reduce((a, s) => a + s.logLikelihood, 0);
  const tokens = scores.reduce((a, s) => a + s.tokens, 0);
  return Math.exp(-ll / Math.max(1, tokens));
}

/**
 * Per-document values for the claims' document bootstrap (as the perplexity plugin's token
 * perplexity: mean NLL per token, weighted by tokens, aggregate exp): `nll(i)` of each document
 * with tokens. For the ratio, nll is disabled minus normal: both score the same tokens, so exp of
 * its weighted mean is exactly the ratio of the two perplexities.
 */
function tokenNllSeries(docs: readonly EvalDocument[], base: readonly RollingScore[], nll: (i: number) => number) {
  return documentSeries(base.map((s) => s.tokens), nll, 'exp-weighted-mean', docs.map((d) => d.id));
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
    const texts = docs.map((d) => d.text);
    const base = await scorer.rollingLogLikelihood(texts);
    const previous = model.setRoutingMode({ [DISABLE_TOP1]: true });
    let disabled: RollingScore[];
    try {
      disabled = await scorer.rollingLogLikelihood(texts);
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
    const nll = (s: RollingScore) => -s.logLikelihood / s.tokens;
    const tokens = base.reduce((a, s) => a + s.tokens, 0);
    const [pplDisabled, pplBase] = [tokenPerplexity(disabled), tokenPerplexity(base)];
    const records: MetricRecord[] = [
      { board: 'ppl', metric: 'disable_top1.id.token_ppl', value: pplDisabled, direction: 'lower', n: tokens, details: { ...details, ...tokenNllSeries(docs, base, (i) => nll(disabled[i])) } },
      { board: 'ppl', metric: 'disable_top1.id.base_token_ppl', value: pplBase, direction: 'lower', n: tokens, details: { ...details, ...tokenNllSeries(docs, base, (i) => nll(base[i])) } },
      {
        board: 'ppl', metric: 'disable_top1.id.ppl_ratio', value: pplDisabled / pplBase, direction: 'lower', n: tokens,
        details: { ...details, ...tokenNllSeries(docs, base, (i) => nll(disabled[i]) - nll(base[i])) },
      },
    ];
    return records;
  },
};
