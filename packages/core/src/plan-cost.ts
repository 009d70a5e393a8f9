import type { Evaluator, EvaluatorWork } from './contracts/evaluator.js';
import type { FlopsPerToken, ParamCount } from './contracts/model.js';
import type { PlannedCell } from './plan.js';
import type { Profile } from './profiles.js';
import { trainTokens } from './profiles.js';
import type { Registry } from './registry.js';

/**
 * What a cell costs, in FLOP-equivalents of training: the unit `labbench plan` divides by a
 * measured training throughput (FLOP/s) to get hours, and the weight sharding balances.
 */
export interface CellEstimate {
  readonly params: ParamCount;
  readonly flopsPerToken: FlopsPerToken;
  /** Tokens the cell trains on (steps x batch x context x stepsFraction). */
  readonly tokens: number;
  /** Tokens its evaluators score, an upper bound (see EVAL_CHARS_PER_TOKEN). */
  readonly evalTokens: number;
  /** Training's share of `cost` (0 for count models); a cell that shares another's training pays only evalCost. */
  readonly trainCost: number;
  readonly evalCost: number;
  readonly cost: number;
}

// Evaluation: each evaluator reads at most the in-domain and the out-of-domain text the profile
// allows. `eval.maxChars` caps each domain's total (shared by its sources, see fairShare in
// datasets/corpora), not each document, so a domain holds at most maxChars characters; about 4
// characters per token (3.9 measured at vocab 4096: 482,437 bytes in 124,004 tokens, docs/recipe.md).
const EVAL_CHARS_PER_TOKEN = 4;
const EVAL_DOMAINS = 2;
// Evaluation runs below training's FLOP rate (windows scored one batch at a time, host-side
// statistics, one window per multiple-choice item). Calibrated on a measured campaign-sized cell
// (docs/recipe.md section 4: d 128, 4 layers, vocab 4096, 920 s training 4.9M tokens = 54.6 GFLOP/s;
// 48 s scoring 124,004 in-domain tokens at 3.4 MFLOP each = 8.8 GFLOP/s): 54.6 / 8.8 = 6.2.
export const EVAL_INEFFICIENCY = 6.2;
// Arms without a network (tokenizers, count-model references): tokenising and counting, a few
// thousand operations per token; negligible next to any model cell but not zero.
const COUNT_MODEL_COST_PER_TOKEN = 5_000;

const built = new Map<string, { params: ParamCount; flops: FlopsPerToken }>();

/** Parameters and FLOPs of an arm's model, from the built model (memoised per config). */
function modelNumbers(registry: Registry, profile: Profile, cell: PlannedCell): { params: ParamCount; flops: FlopsPerToken } {
  const { arm } = cell;
  const config = { ...profile.model, ...(arm.modelConfig ?? {}) };
  const vocabSize = Number((arm.tokenizerConfig as { vocabSize?: number } | undefined)?.vocabSize ?? profile.vocabSize);
  const key = JSON.stringify([arm.model, registry.versionOf('model', arm.model), config, vocabSize, profile.seqLen]);
  const known = built.get(key);
  if (known) return known;
  let numbers: { params: ParamCount; flops: FlopsPerToken };
  try {
    const model = registry.get('model', arm.model).create(config, { vocabSize, seqLen: profile.seqLen, seed: 0, tokenCounts: new Float64Array(vocabSize).fill(1) });
    numbers = { params: model.params(), flops: model.flopsPerToken() };
    model.dispose();
  } catch {
    numbers = decoderProxy(config as Record<string, number>, vocabSize, profile.seqLen); // a model that cannot be built alone
  }
  built.set(key, numbers);
  return numbers;
}

/** The reference decoder's counts from its config, for models that need a source to build. */
function decoderProxy(c: Record<string, number>, vocab: number, seqLen: number): { params: ParamCount; flops: FlopsPerToken } {
  const perLayer = 4 * c.dModel * c.dModel + 3 * c.dModel * c.ffnHidden;
  const total = c.layers * perLayer + (vocab + seqLen) * c.dModel;
  const forward = 2 * c.layers * perLayer + 4 * c.layers * seqLen * c.dModel + 2 * c.dModel * vocab;
  return { params: { total, active: total }, flops: { train: 3 * forward, inference: forward } };
}

export function estimateCell(registry: Registry, profile: Profile, cell: PlannedCell): CellEstimate {
  const tokens = trainTokens(profile, cell.arm.stepsFraction ?? 1);
  const evalTokens = Math.round(cell.evaluators.length * EVAL_DOMAINS * profile.eval.maxChars / EVAL_CHARS_PER_TOKEN);
  if (cell.arm.model === 'none') {
    const [trainCost, evalCost] = [tokens * COUNT_MODEL_COST_PER_TOKEN, evalTokens * COUNT_MODEL_COST_PER_TOKEN];
    return { params: { total: 0, active: 0 }, flopsPerToken: { train: 0, inference: 0 }, tokens, evalTokens, trainCost, evalCost, cost: trainCost + evalCost };
  }
  const { params, flops } = modelNumbers(registry, profile, cell);
  const extra = evaluatorWork(registry, profile, cell, tokens);
  const trainCost = tokens * flops.train;
  const evalCost = EVAL_INEFFICIENCY * (evalTokens + extra.inferenceTokens) * flops.inference + extra.trainTokens * flops.train;
  return { params, flopsPerToken: flops, tokens, evalTokens, trainCost, evalCost, cost: trainCost + evalCost };
}

/** The declared extra work of the cell's evaluators (Evaluator.work), summed; unknown evaluators count nothing here. */
function evaluatorWork(registry: Registry, profile: Profile, cell: PlannedCell, tokens: number): EvaluatorWork {
  let trainTokens = 0;
  let inferenceTokens = 0;
  for (const use of cell.evaluators) {
    let evaluator: Evaluator;
    try {
      evaluator = registry.get('evaluator', use.id);
    } catch {
      continue; // planning never fails on an evaluator the run will report as unknown
    }
    const work = evaluator.work?.({ trainTokens: tokens, seqLen: profile.seqLen, limits: profile.eval, options: use.options ?? {} });
    trainTokens += work?.trainTokens ?? 0;
    inferenceTokens += work?.inferenceTokens ?? 0;
  }
  return { trainTokens, inferenceTokens };
}
