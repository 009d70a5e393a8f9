import { defineBoard, definePlugin } from '@labbench/core';
import { responseSelection } from './evaluator.js';
import { dialMaeModel } from './model.js';
import { dialMaeStudy, dialMaeSweep } from './studies.js';

export { dialMaeModel, DialMaeModel } from './model.js';
export { responseSelection } from './evaluator.js';
export { dialMaeStudy, dialMaeSweep } from './studies.js';
export default definePlugin({
  id: 'dial-mae',
  models: [dialMaeModel],
  evaluators: [responseSelection],
  studies: [dialMaeStudy, dialMaeSweep],
  boards: [defineBoard({ id: 'dialogue', title: 'Dialogue response selection: recall at k among 10 candidates', headline: 'email-random.r10@1', direction: 'higher' })],
});
