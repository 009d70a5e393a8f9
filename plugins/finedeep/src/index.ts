import { definePlugin } from '@labbench/core';
import { finedeepModel } from './model.js';
import { nsarEvaluator } from './evaluator.js';
import { finedeepStudy } from './studies.js';

export { finedeepModel, knockoutFinedeep } from './model.js';
export { finedeepDefaults, finedeepConfigSchema, expertWidth, expertParams, overheadParams, ffnFlops } from './config.js';
export type { FinedeepConfig } from './config.js';
export { FinedeepFeedForward, ExpertSubLayer, DenseNsarFeedForward } from './experts.js';
export { nsar, nsarName, nsarStats, ABSOLUTE_TAUS } from './nsar.js';
export type { NsarThreshold } from './nsar.js';
export { nsarEvaluator } from './evaluator.js';
export { finedeepStudy } from './studies.js';
export default definePlugin({ id: 'finedeep', models: [finedeepModel], evaluators: [nsarEvaluator], studies: [finedeepStudy] });
