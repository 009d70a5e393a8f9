import { definePlugin } from '@labbench/core';
import { responseSelection } from './evaluator.js';
import { dialMaeModel } from './model.js';
import { dialMaeStudy, dialMaeSweep } from './studies.js';

export { dialMaeModel, DialMaeModel } from './model.js';
export { responseSelection } from './evaluator.js';
export { dialMaeStudy, dialMaeSweep } from './studies.js';
export default definePlugin({ id: 'dial-mae', models: [dialMaeModel], evaluators: [responseSelection], studies: [dialMaeStudy, dialMaeSweep] });
