import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { majorityVote, voteOf, type Vote } from '../src/detectors/vote.js';

test('majorityVote: a tie goes to machine', () => {
  assert.equal(majorityVote(['human', 'machine']), 'machine');
  assert.equal(majorityVote(['human', 'machine', 'invalid', 'human', 'machine']), 'machine');
});

test('majorityVote: all-invalid and empty votes go to machine', () => {
  assert.equal(majorityVote(['invalid', 'invalid', 'invalid']), 'machine');
  assert.equal(majorityVote([]), 'machine');
});

test('majorityVote: human only with strictly more human votes', () => {
  assert.equal(majorityVote(['human', 'invalid', 'invalid']), 'human');
  assert.equal(majorityVote(['human', 'human', 'machine']), 'human');
});

test('majorityVote: for any votes, human iff human votes strictly outnumber machine votes', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom<Vote>('human', 'machine', 'invalid'), { maxLength: 9 }), (votes) => {
    const h = votes.filter((v) => v === 'human').length;
    const m = votes.filter((v) => v === 'machine').length;
    return (majorityVote(votes) === 'human') === h > m;
  }), { numRuns: 200 });
});

test('voteOf: equal or non-finite answer scores are invalid', () => {
  assert.equal(voteOf(-1, -1), 'invalid');
  assert.equal(voteOf(Number.NaN, -1), 'invalid');
  assert.equal(voteOf(-2, -1), 'machine');
  assert.equal(voteOf(-1, -2), 'human');
});
