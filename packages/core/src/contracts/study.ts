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
  /** Training-loop overrides, e.g. a lower learning rate for continued training. */
  readonly train?: Readonly<{ learningRate?: number; warmupSteps?: number; weightDecay?: number; checkpoints?: number }>;
}

export interface EvaluatorUse {
  readonly id: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * A claim the replication report checks: the method arm beats the baseline arm on a metric.
 * Verdict: the mean paired difference over seeds and its 95% CI; reproduced when the CI lies on
 * the claimed side of 0, not reproduced when it lies on the other side, inconclusive otherwise.
 */
export interface StudyClaim {
  readonly text: string;
  readonly board: string;
  readonly metric: string;
  readonly method: string;
  readonly baseline: string;
  /** Compare with another metric of the baseline arm (e.g. a forecast's error vs a baseline forecaster's); default `metric`. */
  readonly baselineMetric?: string;
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
