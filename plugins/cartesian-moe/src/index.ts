import { definePlugin } from '@labbench/core';
import { cartesianMoeModel } from './model.js';
import { cartesianStudy } from './study.js';

export { cartesianMoeModel, createCartesianMoe } from './model.js';
export { cartesianDefaults, cartesianConfigSchema } from './config.js';
export type { CartesianMoeConfig } from './config.js';
export { CartesianFeedForward } from './layer.js';
export { cartesianStudy } from './study.js';
export default definePlugin({ id: 'cartesian-moe', models: [cartesianMoeModel], studies: [cartesianStudy] });
