import type { ClozeItem, DetectionPrompt, DialogueItem, MultipleChoiceItem } from './core.js';

/**
 * Item types of the evaluation sets (one JSON object per line in the set files) and their JSON
 * Schemas (draft 2020-12). Every item extends the core shape with `split` (valid or test, from its
 * source document, so evaluators can tune on valid and report on test) and names its source
 * document, which is how the tests prove that no item comes from a training document.
 */
type HeldOut = 'valid' | 'test';

export interface ClozeSetItem extends ClozeItem {
  readonly split: HeldOut;
}
export interface MultipleChoiceSetItem extends MultipleChoiceItem {
  readonly split: HeldOut;
}
export interface DialogueSetItem extends DialogueItem {
  readonly split: HeldOut;
  /** The document the response comes from (e-mail: the reply's message key). */
  readonly docId: string;
  /** The context as separate turns, oldest first (`context` is them joined by a newline). */
  readonly turns: readonly string[];
  /** How many of the 9 negatives come from the same thread or document (the rest: same source). */
  readonly sameThreadNegatives: number;
}
export interface DetectionSetItem extends DetectionPrompt {
  readonly split: HeldOut;
  /** Length targets for generated continuations: those of the human continuation. */
  readonly humanWords: number;
  readonly humanChars: number;
  readonly promptWords: number;
}
/** A labelled text for classification probes. */
export interface ProbeItem {
  readonly id: string;
  readonly source: string;
  readonly docId: string;
  readonly split: HeldOut;
  readonly text: string;
  readonly label: string;
  /** A finer label when the source has one (Brown genre, SpamAssassin group). */
  readonly fineLabel: string;
}

export type ItemType = 'cloze' | 'multiple-choice' | 'dialogue' | 'detection' | 'probe';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const count = { type: 'integer', minimum: 0 } as const;
const common = {
  id: nonEmpty,
  source: nonEmpty,
  docId: nonEmpty,
  split: { enum: ['valid', 'test'] },
} as const;

function schema(name: ItemType, title: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:labbench:corpora:${name}-item:v1`,
    title,
    type: 'object',
    properties: { ...common, ...properties },
    required: [...Object.keys(common), ...Object.keys(properties)],
    additionalProperties: false,
    ...extra,
  };
}

/** JSON Schema of each item type, keyed by type. */
export const ITEM_SCHEMAS: Readonly<Record<ItemType, Readonly<Record<string, unknown>>>> = {
  cloze: schema('cloze', 'ClozeSetItem', { context: nonEmpty, target: { type: 'string', pattern: '^\\S+$' } }),
  'multiple-choice': schema('multiple-choice', 'MultipleChoiceSetItem', {
    context: str,
    choices: { type: 'array', items: nonEmpty, minItems: 2, uniqueItems: true },
    label: count,
  }),
  dialogue: schema('dialogue', 'DialogueSetItem', {
    threadId: nonEmpty,
    context: nonEmpty,
    turns: { type: 'array', items: nonEmpty, minItems: 1 },
    candidates: { type: 'array', items: nonEmpty, minItems: 10, maxItems: 10, uniqueItems: true },
    label: { type: 'integer', minimum: 0, maximum: 9 },
    sameThreadNegatives: { type: 'integer', minimum: 0, maximum: 9 },
  }),
  detection: schema('detection', 'DetectionSetItem', {
    prompt: nonEmpty,
    human: nonEmpty,
    humanWords: { type: 'integer', minimum: 1 },
    humanChars: { type: 'integer', minimum: 1 },
    promptWords: { type: 'integer', minimum: 1 },
  }),
  probe: schema('probe', 'ProbeItem', { text: nonEmpty, label: nonEmpty, fineLabel: nonEmpty }),
};
