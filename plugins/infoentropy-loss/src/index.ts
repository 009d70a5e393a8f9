import { definePlugin } from '@labbench/core';
import { frequencyBucketSizes } from './bucket-sizes.js';
import { rareWordCloze } from './cloze.js';
import { focalLoss, mileLoss } from './loss.js';
import { infoentropy } from './studies.js';

export { frequencyBucketSizes } from './bucket-sizes.js';
export { mileLoss, focalLoss, normalisedWeightedLoss } from './loss.js';
export { detachedEntropy, mileWeights, focalWeights } from './weights.js';
export { mileDefaults, focalDefaults } from './config.js';
export type { MileConfig, FocalConfig } from './config.js';
export default definePlugin({ id: 'infoentropy-loss', losses: [mileLoss, focalLoss], evaluators: [rareWordCloze, frequencyBucketSizes], studies: [infoentropy] });
