import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SetCache } from '../src/cache.js';
import { setDefinition } from '../src/sets/index.js';

const dir = mkdtempSync(join(tmpdir(), 'corpora-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// A small, fast set keeps this test quick; the mechanism is the same for every set.
const def = setDefinition('probe-genre');

test('cache: a set is built once, then served from the file with its checksum verified', () => {
  const notes: string[] = [];
  const cache = new SetCache(dir, (m) => notes.push(m));
  const entry = cache.ensure(def);
  assert.equal(entry.file, 'probe-genre.v1.jsonl');
  assert.ok(existsSync(join(dir, entry.file)) && existsSync(join(dir, 'probe-genre.v1.meta.json')));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { sets: Array<{ name: string; count: number; sha256: string }> };
  assert.deepEqual(manifest.sets.map((s) => [s.name, s.count, s.sha256]), [['probe-genre', entry.count, entry.sha256]]);
  const again = new SetCache(dir, (m) => notes.push(m)).ensure(def);
  assert.deepEqual(again, entry);
  assert.deepEqual(notes, []);
});

test('cache: a corrupted file fails its checksum, is reported and rebuilt to the original bytes', () => {
  const original = new SetCache(dir).ensure(def);
  const path = join(dir, original.file);
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.toString('utf8').replace('"label":"fiction"', '"label":"press"'));
  const notes: string[] = [];
  const cache = new SetCache(dir, (m) => notes.push(m));
  const items = cache.read(def);
  assert.equal(notes.length, 1);
  assert.match(notes[0], /checksum mismatch/);
  assert.ok(readFileSync(path).equals(bytes));
  assert.equal(items.length, original.count);
});

test('cache: a sidecar from other inputs (set version, packages or code) triggers a rebuild', () => {
  const metaPath = join(dir, 'probe-genre.v1.meta.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(metaPath, JSON.stringify({ ...meta, fingerprint: 'stale' }));
  const notes: string[] = [];
  new SetCache(dir, (m) => notes.push(m)).ensure(def);
  assert.match(notes.join('\n'), /other inputs/);
  assert.equal((JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>).fingerprint, meta.fingerprint);
});

test('cache: a truncated file and an unreadable sidecar are rebuilt too', () => {
  const entry = new SetCache(dir).ensure(def);
  writeFileSync(join(dir, entry.file), readFileSync(join(dir, entry.file)).subarray(0, 100));
  assert.deepEqual(new SetCache(dir).ensure(def), entry);
  writeFileSync(join(dir, 'probe-genre.v1.meta.json'), '{not json');
  assert.deepEqual(new SetCache(dir).ensure(def), entry);
});
