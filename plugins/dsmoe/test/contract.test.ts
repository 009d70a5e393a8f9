import { describeModelContract } from '@labbench/tensor/testing';
import { dsmoeModel } from '../src/index.js';

describeModelContract(dsmoeModel, { dModel: 16, layers: 1, heads: 2, ffnHidden: 16, experts: 4, variant: 'dsmoe' });
