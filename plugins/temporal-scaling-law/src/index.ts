import { defineBoard, definePlugin } from '@labbench/core';
import { temporalScalingLaw } from './evaluator.js';
import { temporalScalingLawStudy } from './studies.js';
import { mixtureRanking } from './ranking.js';

export { hyperbolicLaw, harmonicSum, harmonicSumBrute } from './hyperbolic.js';
export type { PositionLaw, PositionFit } from './hyperbolic.js';
export { TEMPORAL_FAMILIES, powerFamily, logLinearFamily, exponentialFamily, selectTrajectory } from './trajectory.js';
export type { TemporalFamily, SelectedTrajectory } from './trajectory.js';
export { forecast, fitWindow } from './forecast.js';
export type { Forecast, ForecastOptions, PositionHistory } from './forecast.js';
export { rSquared, mape, maxApe, coefficientOfVariation } from './metrics.js';
export { mixtureRanking } from './ranking.js';
export { kendallTau } from './rank.js';
export default definePlugin({
  id: 'temporal-scaling-law',
  evaluators: [temporalScalingLaw],
  studies: [temporalScalingLawStudy],
  summaries: [mixtureRanking(temporalScalingLawStudy.id)],
  boards: [defineBoard({ id: 'scaling', title: 'Training dynamics: forecasts of the loss curve and their errors', headline: 'id.tsl.future_mape', direction: 'lower' })],
});
