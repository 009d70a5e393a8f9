import { describeModelContract } from '@labbench/tensor/testing';
import { finedeepModel } from '../src/index.js';

describeModelContract(finedeepModel, { dModel: 16, layers: 1, heads: 2, ffnHidden: 16, subLayers: 2, expertsPerSubLayer: 4 });
