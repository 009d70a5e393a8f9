import { defineBoard, definePlugin } from '@labbench/core';
import { createHc3PlusEvaluator } from './evaluator.js';
import hc3PlusStudy from './studies/hc3-plus.study.js';

export default definePlugin({
  id: 'hc3-plus',
  evaluators: [createHc3PlusEvaluator()],
  studies: [hc3PlusStudy],
  // one row per (task, detector, generator, decoding[, setting]); detection-basic writes here too
  boards: [defineBoard({ id: 'detection', title: 'Machine-text detection: AUROC and TPR at 1% FPR per task, detector, generator and decoding', headline: 'auroc', direction: 'higher', facets: ['task', 'detector', 'generator', 'decoding', 'setting'] })],
});
