import type { SetRequired } from 'type-fest';
import type { studySchema } from '../schemas.js';
import type { SchemaType } from '../schemas/derive.js';

/**
 * Studies, arms and cells.
 *
 * A study is one paper's comparison: arms (the method and its baselines) that share data order,
 * budget and (unless it is the variable) tokenizer, and the evaluators to run on every cell.
 * Budgets come from the profile, never from the study.
 *
 * Every type here is derived from `studySchema` (schemas.ts), where each field is documented in
 * its `description`: a study a plugin defines in TypeScript and one read from JSON have one shape.
 */
export interface StudyDefinition extends SchemaType<typeof studySchema> {}

/** One arm as a study writes it: every field optional, `shared` fills the gaps. */
export type ArmSettings = StudyDefinition['shared'];

/** An arm resolved against the study's shared settings: model, tokenizer and loss are known. */
export type ArmSpec = SetRequired<ArmSettings, 'model' | 'tokenizer' | 'loss'>;

/** An evaluator with options, where a study does not name it by id alone. */
export type EvaluatorUse = Exclude<StudyDefinition['evaluators'][number], string>;

/** A claim the replication report checks (see the claim schema's description). */
export type StudyClaim = NonNullable<StudyDefinition['claims']>[number];

/** The figure the paper reports for the same comparison, shown beside the measured effect. */
export type PaperFigure = StudyClaim['paper'];

/** A validity gate: `margin` (arm beats `than` by at least `atLeast`) or `bound` (the value lies in [atLeast, atMost]). */
export type GateSpec = NonNullable<StudyDefinition['gates']>[number];

/** A knock-out control: the arm trained again without one component. */
export type KnockoutSpec = NonNullable<StudyDefinition['knockouts']>[number];

/** Resolves an arm against the study's shared settings. */
export function resolveArm(study: StudyDefinition, armId: string): ArmSpec {
  const own = study.arms[armId];
  const merged: ArmSettings = { ...study.shared, ...own };
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
