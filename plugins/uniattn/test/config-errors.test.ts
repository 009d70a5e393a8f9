import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@labbench/core';
import { uniattnModel } from '../src/index.js';

test('uniattn: a head count that does not divide dModel is a ConfigError naming the field (exit 2)', () => {
  const context = { vocabSize: 32, seqLen: 8, seed: 0, tokenCounts: new Float64Array(32).fill(1) };
  const config = { ...uniattnModel.defaults, dModel: 16, layers: 2, heads: 3, ffnHidden: 16 };
  assert.throws(() => uniattnModel.create(config as never, context), (e: unknown) => e instanceof ConfigError && /heads/.test(e.message));
});
