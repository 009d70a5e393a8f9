import { createRequire } from 'node:module';

type LevenbergMarquardt = typeof import('ml-levenberg-marquardt').levenbergMarquardt;

const require = createRequire(import.meta.url);
let loaded: LevenbergMarquardt | undefined;

/**
 * ml-levenberg-marquardt's fit, loaded on the first call: importing it (and ml-matrix) at module
 * load cost about 40 ms of CPU at every labbench start, `labbench list` included, for a fit only
 * this plugin's evaluator runs. (require() of an ES module: Node 20.19 and newer.)
 */
export const levenbergMarquardt: LevenbergMarquardt = (...args) => {
  loaded ??= (require('ml-levenberg-marquardt') as typeof import('ml-levenberg-marquardt')).levenbergMarquardt;
  return loaded(...args);
};
