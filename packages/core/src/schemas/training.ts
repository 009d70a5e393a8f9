/**
 * The schema of one line of training.jsonl (and of leaderboards/training.jsonl.gz): the training
 * record of one cell. `study` and `arm` follow the strict id pattern because publish builds plot
 * file names from them; array sizes are capped so a crafted file cannot exhaust memory later.
 */
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/** Same pattern as study and arm ids in the result schema: no slash, no leading dot. */
const id = /^[a-z][a-z0-9.-]{0,63}$/.source;
// JSON has no NaN: JSON.stringify writes a NaN model statistic as null, so null is a legal value.
const numberOrNull = { anyOf: [{ type: 'number' }, { type: 'null' }] } as const;
const MAX_POINTS = 100_000;

const curvePoint = {
  type: 'object',
  additionalProperties: false,
  required: ['step', 'tokens', 'value'],
  properties: { step: { type: 'integer', minimum: 0 }, tokens: { type: 'number', minimum: 0 }, value: numberOrNull },
} as const;

export const trainingLineSchema = {
  $schema: DIALECT,
  $id: 'https://labbench.dev/schemas/training.json',
  title: 'labbench training record (one line of training.jsonl)',
  type: 'object',
  additionalProperties: false,
  required: ['study', 'arm', 'seed', 'training'],
  properties: {
    study: { type: 'string', pattern: id },
    arm: { type: 'string', pattern: id },
    seed: { type: 'integer', minimum: 0 },
    training: {
      type: 'object',
      additionalProperties: false,
      required: ['steps', 'tokens', 'wallSeconds', 'trainLoss', 'validLoss', 'positionLosses', 'modelStats'],
      properties: {
        steps: { type: 'integer', minimum: 0 },
        tokens: { type: 'number', minimum: 0 },
        wallSeconds: { type: 'number', minimum: 0 },
        warmupSteps: { type: 'integer', minimum: 0, description: "Warmup steps (checkpoints inside warmup are not on a scaling law's curve)." },
        schedule: { enum: ['cosine', 'constant'], description: 'The learning-rate schedule after warmup.' },
        trainLoss: { type: 'array', maxItems: MAX_POINTS, items: curvePoint },
        validLoss: { type: 'array', maxItems: MAX_POINTS, items: curvePoint },
        positionLosses: {
          type: 'array',
          maxItems: 10_000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['step', 'tokens', 'losses', 'split'],
            properties: {
              step: { type: 'integer', minimum: 0 },
              tokens: { type: 'number', minimum: 0 },
              losses: {
                type: 'array',
                maxItems: MAX_POINTS,
                items: numberOrNull,
                description: 'Mean validation loss (nats) at each position 0..T-1 over fixed full-length windows.',
              },
              split: { enum: ['in-domain', 'out-of-domain'] },
            },
          },
        },
        modelStats: {
          type: 'object',
          description: 'Model statistics averaged over the last logging window (router load, activation density ...).',
          maxProperties: 10_000,
          propertyNames: { type: 'string', maxLength: 200 },
          additionalProperties: { anyOf: [numberOrNull, { type: 'array', maxItems: MAX_POINTS, items: numberOrNull }] },
        },
      },
    },
  },
} as const;
