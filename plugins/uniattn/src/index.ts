import { definePlugin } from '@labbench/core';
import { uniattnModel } from './model.js';
import { uniattnDomainEvaluator } from './evaluator.js';
import { uniattnStudy } from './studies.js';

export { uniattnModel, UniAttnLM, windowLoss } from './model.js';
export { uniattnDefaults, uniattnConfigSchema, layerRoles } from './config.js';
export type { UniAttnConfig, LayerRole } from './config.js';
export { UniAttention, DroppedAttention } from './attention.js';
export type { UnifyMode } from './attention.js';
export { solveCompensation, residualNorms } from './least-squares.js';
export { uniattnDomainEvaluator } from './evaluator.js';
export default definePlugin({ id: 'uniattn', models: [uniattnModel], evaluators: [uniattnDomainEvaluator], studies: [uniattnStudy] });
