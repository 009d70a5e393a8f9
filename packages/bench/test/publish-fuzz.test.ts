import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DataError, validateResultsText, validateTrainingText } from '@labbench/core';
import { trainingLine } from './publish-fixtures.js';

const ID = /^[a-z][a-z0-9.-]{0,63}$/;

/** A valid training line with one field replaced by anything JSON can hold. */
const mutated = fc.tuple(
  fc.constantFrom('study', 'arm', 'seed', 'training', 'extra'),
  fc.jsonValue({ maxDepth: 4 }),
).map(([field, value]) => ({ ...trainingLine('alpha', 'base', 0), [field]: value }));

test('validateTrainingText: for any line (valid, mutated or not JSON), it returns only lines with safe ids or throws a DataError', () => {
  fc.assert(fc.property(fc.oneof(mutated.map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v))), (line) => {
    let lines;
    try {
      lines = validateTrainingText(`${line}\n`, 'training.jsonl');
    } catch (error) {
      assert.ok(error instanceof DataError, `not a DataError: ${(error as Error).message}`);
      assert.equal(error.exitCode, 2);
      assert.match(error.where, /^training\.jsonl line 1$/);
      return;
    }
    for (const l of lines) assert.ok(ID.test(l.study) && ID.test(l.arm) && Number.isInteger(l.seed) && l.seed >= 0, JSON.stringify(l).slice(0, 200));
  }), { numRuns: 500 });
});

test('validateResultsText: for any text, it never throws and every line is either a record or a problem naming its line', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)), fc.integer({ min: 1, max: 200 }).map((d) => '['.repeat(d) + ']'.repeat(d))), { maxLength: 8 }), (lines) => {
    const { records, problems } = validateResultsText(lines.join('\n'));
    const nonEmpty = lines.filter((l) => l.trim() !== '').length;
    assert.equal(records.length + problems.length, nonEmpty);
    for (const p of problems) assert.ok(p.line >= 1 && p.line <= lines.length && p.problems.length > 0);
  }), { numRuns: 300 });
});
