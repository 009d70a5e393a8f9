import { describeModelContract } from '@labbench/tensor/testing';
import { maskMoeModel } from '../src/index.js';

describeModelContract(maskMoeModel, { dModel: 16, layers: 2, heads: 2, ffnHidden: 16, experts: 4, topK: 2, visibleFrequent: 3 });
