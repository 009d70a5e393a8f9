import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickDistractors } from '../src/cloze.js';

test('pickDistractors: the k closest words by log frequency, never the target, ties by word', () => {
  const pool = [{ word: 'a', logFreq: 1 }, { word: 'b', logFreq: 2 }, { word: 'c', logFreq: 3 }, { word: 'd', logFreq: 3 }, { word: 'e', logFreq: 9 }];
  assert.deepEqual(pickDistractors('c', pool, 3, 3), ['d', 'b', 'a']);
  assert.deepEqual(pickDistractors('a', pool, 1, 2), ['b', 'c']);
});
