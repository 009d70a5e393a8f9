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
  /** Tokens its evaluators score (rough: see EVAL_CHARS_PER_TOKEN). */
  readonly evalTokens: number;
  readonly cost: number;
}

// Evaluation: each evaluator reads about the in-domain and out-of-domain documents the profile
// allows (documents x maxChars each) at about 4 characters per token (small BPE vocabularies).
const EVAL_CHARS_PER_TOKEN = 4;
// Evaluation runs far below training's FLOP rate (padded windows, one window per multiple-choice
// item, token-by-token generation). Calibrated on issue #16's measured full-profile cell
// (dense-baseline, d128, 4 layers: 14.5 min training, 22 min evaluation), where the formula below
// without this factor gives 6 min of evaluation: 22 / 6 = 3.7.
export const EVAL_INEFFICIENCY = 3.7;
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
  const evalTokens = Math.round(cell.evaluators.length * 2 * profile.eval.documents * profile.eval.maxChars / EVAL_CHARS_PER_TOKEN);
  if (cell.arm.model === 'none') {
    return { params: { total: 0, active: 0 }, flopsPerToken: { train: 0, inference: 0 }, tokens, evalTokens, cost: (tokens + evalTokens) * COUNT_MODEL_COST_PER_TOKEN };
  }
  const { params, flops } = modelNumbers(registry, profile, cell);
  return { params, flopsPerToken: flops, tokens, evalTokens, cost: tokens * flops.train + EVAL_INEFFICIENCY * evalTokens * flops.inference };
}
