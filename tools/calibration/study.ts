/**
 * The calibration study: the dense plugin's baseline (the ReLU arm of `dense-baseline`, at the
 * profile's size) and the same model with a planted handicap, run through the harness's own runner,
 * cells, trainer and perplexity evaluator. It is registered in memory, beside the discovered
 * plugins, so it never appears in `labbench list` or a published board.
 */
import { fileURLToPath } from 'node:url';
import { definePlugin, defineStudy, discoverPlugins, Registry } from '@labbench/core';

export const STUDY = 'calibration';
/** The ReLU baseline of dense-baseline (plugins/dense/src/studies.ts): same model, tokenizer, loss. */
export const BASE_ARM = 'base';
export const METRIC = 'id.all.bits_per_byte';

/** Arms with a planted handicap: the same model trained on a share of the profile's steps. */
export const HANDICAPS: Readonly<Record<string, number>> = { 'short-90': 0.9, 'short-75': 0.75, 'short-50': 0.5 };

export function calibrationStudy(handicaps: readonly string[]) {
  const relu = { modelConfig: { activation: 'relu', ffnHiddenScale: 1.5 } };
  return defineStudy({
    id: STUDY,
    version: 1,
    title: 'Calibration of the verdict machinery (tools/calibration)',
    claim: 'Two identical arms are told apart at the nominal rate; a planted handicap is detected when the MDE says it should be.',
    shared: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy' },
    arms: {
      [BASE_ARM]: relu,
      ...Object.fromEntries(handicaps.map((h) => [h, { ...relu, stepsFraction: HANDICAPS[h] }])),
    },
    baseline: BASE_ARM,
    evaluators: ['perplexity'],
    references: false,
  });
}

/** The discovered plugins plus the calibration study. */
export async function calibrationRegistry(root: string, handicaps: readonly string[]): Promise<Registry> {
  const found = await discoverPlugins(root);
  const entry = fileURLToPath(import.meta.url);
  const plugin = definePlugin({ id: 'calibration', studies: [calibrationStudy(handicaps)] });
  return new Registry([
    ...found.plugins,
    { plugin, origin: { packageName: '@labbench/calibration', version: '0.0.0', dir: 'tools/calibration', manifest: { id: 'calibration', kinds: [] }, entry } },
  ]);
}
