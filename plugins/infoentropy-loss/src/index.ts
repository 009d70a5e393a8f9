import { definePlugin } from '@labbench/core';
import { rareWordCloze } from './cloze.js';
import { focalLoss, mileLoss } from './loss.js';
import { infoentropy } from './studies.js';

export { mileLoss, focalLoss, normalisedWeightedLoss } from './loss.js';
export { detachedEntropy, mileWeights, focalWeights } from './weights.js';
export { mileDefaults, focalDefaults } from './config.js';
export type { MileConfig, FocalConfig } from './config.js';
export default definePlugin({ id: 'infoentropy-loss', losses: [mileLoss, focalLoss], evaluators: [rareWordCloze], studies: [infoentropy] });
