import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ContentStore } from '../src/index.js';

const store = () => new ContentStore(mkdtempSync(join(tmpdir(), 'labbench-store-')));

test('ContentStore: for any JSON payload, put then get returns it', () => {
  const s = store();
  fc.assert(fc.property(fc.jsonValue(), (value) => {
    s.put('kind', 'k', value);
    assert.deepEqual(s.get('kind', 'k'), JSON.parse(JSON.stringify(value)));
  }), { numRuns: 50 });
});

test('ContentStore: a corrupted entry fails its checksum, is removed and reported absent (so it is recomputed)', () => {
  const s = store();
  s.put('evals', 'abc', { metrics: [1, 2, 3] });
  const path = s.path('evals', 'abc');
  writeFileSync(path, readFileSync(path, 'utf8').replace('[1,2,3]', '[1,2,4]'));
  const saved = process.stderr.write;
  let warned = '';
  process.stderr.write = ((chunk: string) => { warned += chunk; return true; }) as typeof process.stderr.write;
  try {
    assert.equal(s.get('evals', 'abc'), undefined);
  } finally {
    process.stderr.write = saved;
  }
  assert.match(warned, /failed its checksum; recomputing/);
  assert.equal(existsSync(path), false);
});

test('ContentStore: a truncated entry is treated as absent', () => {
  const s = store();
  s.put('trained', 'x', { a: 1 });
  writeFileSync(s.path('trained', 'x'), '{"checksum":');
  const saved = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.equal(s.get('trained', 'x'), undefined);
  } finally {
    process.stderr.write = saved;
  }
});

test('ContentStore: for any bytes, putBytes then getBytes returns them; a flipped bit makes the entry absent', () => {
  const s = store();
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, at) => {
    s.putBytes('streams', 'k', bytes);
    assert.deepEqual(Uint8Array.from(s.getBytes('streams', 'k')!), bytes);
    if (bytes.length === 0) return;
    const path = s.path('streams', 'k', 'bin');
    const file = readFileSync(path);
    file[file.length - 1 - (at % bytes.length)] ^= 1;
    writeFileSync(path, file);
    const saved = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(s.getBytes('streams', 'k'), undefined);
    } finally {
      process.stderr.write = saved;
    }
    assert.equal(existsSync(path), false);
  }), { numRuns: 50 });
});
