import { definePlugin } from '@labbench/core';
import { denseModel } from './model.js';
import { denseBaseline } from './studies.js';

export { denseModel, denseConfigSchema } from './model.js';
export type { DenseConfig } from './model.js';
export default definePlugin({ id: 'dense', models: [denseModel], studies: [denseBaseline] });
