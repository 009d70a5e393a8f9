import { describeModelContract } from '@labbench/tensor/testing';
import { cartesianMoeModel } from '../src/index.js';

describeModelContract(cartesianMoeModel, { dModel: 16, layers: 2, heads: 2, ffnHidden: 16, experts: 4, topK: 2 });
// the routing knock-out: A and B share one random policy, which draws anew at each call within a step
describeModelContract({ ...cartesianMoeModel, id: 'cartesian-moe (random routing)' }, { dModel: 16, layers: 2, heads: 2, ffnHidden: 16, experts: 4, topK: 2, routing: 'random' });
