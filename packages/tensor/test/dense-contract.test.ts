import { describeModelContract } from '../src/testing/index.js';
import { DecoderLM, decoderDefaults } from '../src/index.js';
import type { ModelFactory } from '@labbench/core';

const reference: ModelFactory<any> = {
  id: 'reference-decoder', kind: 'causal', description: 'the reference decoder', defaults: decoderDefaults,
  create: (config, context) => new DecoderLM({ ...decoderDefaults, ...config, seqLen: context.seqLen }, context),
};

describeModelContract(reference, { dModel: 16, layers: 2, heads: 2, ffnHidden: 24 }, 'cpu');
describeModelContract({ ...reference, id: 'reference-decoder-wasm' }, { dModel: 16, layers: 1, heads: 2, ffnHidden: 24, activation: 'relu' }, 'wasm');
