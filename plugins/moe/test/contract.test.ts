import { describeModelContract } from '@labbench/tensor/testing';
import { moeModel } from '../src/index.js';

const tiny = { dModel: 16, layers: 2, heads: 2, ffnHidden: 16, experts: 4, topK: 2 };
describeModelContract(moeModel, tiny);
describeModelContract(
  { ...moeModel, id: 'moe (top-p, fine-grained)' },
  { ...tiny, routing: 'top-p', experts: 8, topK: 4, expertHiddenScale: 0.5, sharedExperts: 2, sharedHiddenScale: 0.5 },
);
// the routing knock-out draws anew every training step: a resumed training must draw what the uninterrupted one drew
describeModelContract({ ...moeModel, id: 'moe (random routing)' }, { ...tiny, routing: 'random' });
