import { definePlugin } from '@labbench/core';
import { maskMoeModel } from './model.js';
import { maskMoeStudy } from './study.js';

export { maskMoeModel, createMaskMoe, MaskMoeLM, MaskMoeFeedForward } from './model.js';
export { maskMoeDefaults, maskMoeConfigSchema } from './config.js';
export type { MaskMoeConfig } from './config.js';
export { buildRoutingMask, frequentSet } from './mask.js';
export { maskedRouting } from './routing.js';
export type { RoutingMask } from './mask.js';
export { maskMoeStudy } from './study.js';
export default definePlugin({ id: 'maskmoe', models: [maskMoeModel], studies: [maskMoeStudy] });
