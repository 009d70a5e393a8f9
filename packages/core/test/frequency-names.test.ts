import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FREQUENCY_SHARES, frequencyBucketName } from '../src/frequency.js';

test('frequencyBucketName: high, medium and low for the three default buckets; bucket<i> for any other count', () => {
  assert.deepEqual(
    DEFAULT_FREQUENCY_SHARES.map((_, b) => frequencyBucketName(b, DEFAULT_FREQUENCY_SHARES.length)),
    ['high', 'medium', 'low'],
  );
  assert.deepEqual([0, 1].map((b) => frequencyBucketName(b, 2)), ['bucket0', 'bucket1']);
  assert.deepEqual([0, 1, 2, 3].map((b) => frequencyBucketName(b, 4)), ['bucket0', 'bucket1', 'bucket2', 'bucket3']);
});
