import { definePlugin } from '@labbench/core';
import { createHc3PlusEvaluator } from './evaluator.js';
import hc3PlusStudy from './studies/hc3-plus.study.js';

export default definePlugin({ id: 'hc3-plus', evaluators: [createHc3PlusEvaluator()], studies: [hc3PlusStudy] });
