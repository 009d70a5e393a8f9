import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fnv1a32, splitOf } from '../src/text/split.js';

test('fnv1a32: matches the published FNV-1a 32-bit test vectors', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
});

test('splitOf: for any (source, id), the split is a pure function of the pair and follows h % 20', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (source, id) => {
      const split = splitOf(source, id);
      const h = fnv1a32(`${source}:${id}`) % 20;
      assert.equal(split, h === 0 ? 'test' : h === 1 ? 'valid' : 'train');
      assert.equal(splitOf(source, id), split);
    }),
    { numRuns: 500 },
  );
});

test('splitOf: for any set of ids, adding other ids never moves a document', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string(), { maxLength: 30 }), fc.uniqueArray(fc.string(), { maxLength: 30 }), (ids, others) => {
      const before = ids.map((id) => splitOf('brown', id));
      const after = [...others, ...ids].map((id) => splitOf('brown', id)).slice(others.length);
      assert.deepEqual(after, before);
    }),
  );
});

test('splitOf: about 5% test and 5% valid over many ids', () => {
  const counts = { train: 0, valid: 0, test: 0 };
  for (let i = 0; i < 20_000; i++) counts[splitOf('x', String(i))]++;
  assert.ok(Math.abs(counts.test / 20_000 - 0.05) < 0.01, JSON.stringify(counts));
  assert.ok(Math.abs(counts.valid / 20_000 - 0.05) < 0.01, JSON.stringify(counts));
});
