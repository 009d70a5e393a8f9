import { describeModelContract } from '@labbench/tensor/testing';
import { uniattnModel } from '../src/index.js';

// one reuse layer (anchor 0, reuse 1) with a compensation: the richest variant at the smallest size
describeModelContract(uniattnModel, {
  dModel: 16,
  layers: 2,
  heads: 2,
  ffnHidden: 16,
  groupSize: 2,
  rangeStart: 0,
  calibrationWindows: 2,
  lossWindows: 1,
  variant: 'uniattn',
});
