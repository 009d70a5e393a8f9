import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@labbench/core';
import { dsmoeModel } from '../src/index.js';

const context = { vocabSize: 32, seqLen: 8, seed: 0, tokenCounts: new Float64Array(32).fill(1) };
const base = { dModel: 16, layers: 1, heads: 2, ffnHidden: 16, experts: 4 };

test('dsmoe: impossible expert settings are ConfigErrors naming the field (exit 2), not plain errors', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ variant: 'topk', topK: 5 }, /topK/],
    [{ variant: 'prune', pruneKeep: 5 }, /pruneKeep/],
    [{ experts: 3 }, /divisible/],
  ];
  for (const [extra, pattern] of cases) {
    assert.throws(() => dsmoeModel.create({ ...dsmoeModel.defaults, ...base, ...extra } as never, context), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), JSON.stringify(extra));
  }
});
