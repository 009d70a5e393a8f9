/**
 * Studies, arms and cells.
 *
 * A study is one paper's comparison: arms (the method and its baselines) that share data order,
 * budget and (unless it is the variable) tokenizer, and the evaluators to run on every cell.
 * Budgets come from the profile, never from the study.
 */
export interface ArmSpec {
  /** Model factory id; `none` for arms that only train a tokenizer. */
  readonly model: string;
  readonly modelConfig?: Readonly<Record<string, unknown>>;
  readonly tokenizer: string;
  /** Tokenizer options; `vocabSize` defaults to the profile's. */
  readonly tokenizerConfig?: Readonly<Record<string, unknown>>;
  readonly loss: string;
  readonly lossConfig?: Readonly<Record<string, unknown>>;
  /**
   * Start from another arm's trained cell at the same seed (DSMoE and UniAttn convert a trained
   * dense model). The other arm's cell is trained first and reused from the cache.
   */
  readonly initFrom?: string;
  /** Share of the profile's training steps this arm trains for (default 1). */
  readonly stepsFraction?: number;
  /** Training data mixture id (default `default`); see the datasets package. */
  readonly mixture?: string;
  /** Mixture the tokenizer trains on (default `default`); arms that share it share the tokenizer. */
  readonly tokenizerMixture?: string;
  /**
   * Training-loop overrides, e.g. a lower learning rate for continued training. `schedule`:
   * after warmup, cosine decay to 10% (default) or a constant learning rate.
   */
  readonly train?: Readonly<{ learningRate?: number; warmupSteps?: number; weightDecay?: number; checkpoints?: number; schedule?: 'cosine' | 'constant' }>;
}

export interface EvaluatorUse {
  readonly id: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * The figure the paper reports for the same comparison, shown beside the measured effect so a
 * reader sees direction and size side by side.
 */
export interface PaperFigure {
  /** As the paper states it, e.g. `27.7 vs 7,569 perplexity with the top-1 expert disabled`. */
  readonly figure: string;
  /** Where: `Table 3`, `Section 4.2`, `Figure 5`. */
  readonly source: string;
  /** The paper's effect on our metric's scale, when it maps onto it (method - baseline). */
  readonly effect?: number;
}

/**
 * A claim the replication report checks: the method arm beats the baseline arm on a metric.
 * Verdict: the paired difference over seeds (and evaluation documents) with its interval;
 * reproduced when it lies on the claimed side of 0, not reproduced on the other side,
 * inconclusive otherwise, and `invalid regime` when one of its gates fails.
 */
export interface StudyClaim {
  /** Stable id within the study (`[a-z][a-z0-9.-]*`), used in replication.json. */
  readonly id: string;
  readonly text: string;
  /** One headline claim per paper (Holm-corrected across the report); the rest are secondary. */
  readonly role: 'headline' | 'secondary';
  readonly board: string;
  readonly metric: string;
  readonly method: string;
  readonly baseline: string;
  /** Compare with another metric of the baseline arm (e.g. a forecast's error vs a baseline forecaster's); default `metric`. */
  readonly baselineMetric?: string;
  /**
   * `log` for positive ratio-like metrics (perplexity, ratios): the effect is the log ratio and
   * intervals never cross zero on the original scale. Default `linear`.
   */
  readonly scale?: 'linear' | 'log';
  /** The paper's own number for this comparison. */
  readonly paper: PaperFigure;
  /** Ids of the study's gates (or core's default gates) this claim needs; all of the study's when absent. */
  readonly gates?: readonly string[];
}

/**
 * A validity gate: a declared check on measured values that says whether the regime can test a
 * claim at all. Fixed before a campaign runs, never loosened after seeing results. Values are
 * means over seeds of result records.
 *
 * - `margin`: `arm` beats `than` on the metric (direction-aware) by at least `atLeast`
 *   (e.g. the baseline beats the bigram reference by 0.15 bits per byte; a knock-out costs 0.1).
 * - `bound`: the arm's metric lies within [atLeast, atMost] (router entropy, a fit's R^2).
 */
export type GateSpec =
  | { readonly id: string; readonly text: string; readonly kind: 'margin'; readonly board: string; readonly metric: string; readonly arm: string; readonly than: string; readonly atLeast: number }
  | { readonly id: string; readonly text: string; readonly kind: 'bound'; readonly board: string; readonly metric: string; readonly arm: string; readonly atLeast?: number; readonly atMost?: number };

/**
 * A knock-out control: the arm trained again without the component the paper changes, so the
 * board shows how much that component matters in this regime. The model factory says how to
 * remove a component (`ModelFactory.knockout`); zeroing a trained model's component is not one.
 */
export interface KnockoutSpec {
  /** e.g. `ffn` (width 1), `attention` (no attention in `layers`), `routing` (uniform random). */
  readonly component: string;
  /** The arm to copy (default: the study's baseline). The control arm is `knockout-<component>`. */
  readonly arm?: string;
  readonly layers?: readonly number[];
}

export interface StudyDefinition {
  /** Globally unique study id, e.g. `dense-baseline`. */
  readonly id: string;
  /** Bump on any change of behaviour; lands in every result record. */
  readonly version: number;
  readonly title: string;
  /** The paper's claim this study tests, in one sentence. */
  readonly claim: string;
  readonly paper?: Readonly<{ title: string; url?: string; year?: number }>;
  /** Settings every arm shares; an arm's own fields override them. */
  readonly shared: Partial<ArmSpec>;
  readonly arms: Readonly<Record<string, Partial<ArmSpec>>>;
  /** The arm the others are compared against. */
  readonly baseline?: string;
  readonly evaluators: readonly (string | EvaluatorUse)[];
  /** Claims checked by `labbench publish` in REPLICATION.md (direction comes from the metric). */
  readonly claims?: readonly StudyClaim[];
  /** Validity gates the claims refer to (core adds defaults, e.g. beating the bigram reference). */
  readonly gates?: readonly GateSpec[];
  /**
   * Unigram and bigram count-model reference rows on the tokenizer and training stream of this
   * arm (default: the baseline); `false` for studies without a language model.
   */
  readonly references?: false | Readonly<{ arm?: string }>;
  readonly knockouts?: readonly KnockoutSpec[];
}

/** Resolves an arm against the study's shared settings. */
export function resolveArm(study: StudyDefinition, armId: string): ArmSpec {
  const own = study.arms[armId];
  const merged = { ...study.shared, ...own } as Partial<ArmSpec>;
  for (const key of ['model', 'tokenizer', 'loss'] as const) {
    if (typeof merged[key] !== 'string') {
      throw new Error(`study ${study.id} › arms.${armId}: '${key}' is missing; set it in the arm or in 'shared'.`);
    }
  }
  return merged as ArmSpec;
}

/** Type helper: returns the study unchanged, typed. */
export function defineStudy(study: StudyDefinition): StudyDefinition {
  return study;
}
