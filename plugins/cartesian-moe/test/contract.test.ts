import { describeModelContract } from '@labbench/tensor/testing';
import { cartesianMoeModel } from '../src/index.js';

describeModelContract(cartesianMoeModel, { dModel: 16, layers: 2, heads: 2, ffnHidden: 16, experts: 4, topK: 2 });
