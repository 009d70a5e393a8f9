import { definePlugin } from '@labbench/core';
import { referenceLm } from './evaluator.js';

export { trainUnigram, trainWittenBellBigram, logLikelihood, scoreBitsPerByte } from './count-models.js';
export type { CountModel, UnigramOptions, TextScore } from './count-models.js';
export { referenceLm } from './evaluator.js';
export type { ReferenceOptions } from './evaluator.js';
export default definePlugin({ id: 'reference-lm', evaluators: [referenceLm] });
