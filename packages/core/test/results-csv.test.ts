import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { resultsCsv } from '../src/index.js';
import { record } from './claim-records.js';

const root = join(import.meta.dirname, '..', '..', '..');

/**
 * Loads a long results CSV with Python's csv module (what pandas.read_csv parses, without pandas)
 * and returns the row count, the facet columns (between `metric` and `value`) and the keys
 * (study, arm, seed, metric, facets...) that occur more than once.
 */
function loadInPython(csvText: string): { rows: number; facets: string[]; duplicates: string[][]; values: string[] } {
  const script = `
import csv, io, json, sys, collections
rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))
header, body = rows[0], rows[1:]
facets = header[header.index('metric') + 1:header.index('value')]
cols = [header.index(c) for c in ['study', 'arm', 'seed', 'metric'] + facets]
count = collections.Counter(tuple(r[i] for i in cols) for r in body)
print(json.dumps({'rows': len(body), 'facets': facets, 'duplicates': [list(k) for k, n in count.items() if n > 1], 'values': [r[header.index('value')] for r in body]}))
`;
  const out = spawnSync('python3', ['-c', script], { input: csvText, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
}

test('resultsCsv: records with awkward text (quotes, commas, newlines, formulas, unicode) load in Python\'s csv module one row per (study, arm, seed, metric, facets)', () => {
  // formula-like and quoted texts included: a neutralised `=a` must not become the same cell as `'=a`
  const text = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.constantFrom('=a', "'=a", "''=a", '+1', "'+1", 'a,b', 'a"b', 'a\nb'));
  const lists = fc.sample(fc.uniqueArray(
    fc.record({ arm: fc.constantFrom('a', 'b'), seed: fc.integer({ min: 0, max: 1 }), metric: text, value: fc.double({ min: -1e9, max: 1e9, noNaN: true }), task: fc.option(text, { nil: undefined }) }),
    { minLength: 1, maxLength: 40, selector: (r) => JSON.stringify([r.arm, r.seed, r.metric, r.task]) },
  ), { numRuns: 30, seed: 20261202 });
  for (const list of lists) {
    const records = list.map((r) => record(r.arm, r.seed, r.value, { metric: r.metric, ...(r.task === undefined ? {} : { details: { facets: { task: r.task } } }) }));
    const loaded = loadInPython(resultsCsv(records));
    assert.equal(loaded.rows, records.length);
    assert.deepEqual(loaded.duplicates, []);
    assert.deepEqual(loaded.facets, records.some((r) => r.details) ? ['task'] : []);
    loaded.values.forEach((v, i) => assert.ok(Math.abs(Number(v) - records[i].value) <= Math.abs(records[i].value) * 1e-5 + 1e-12, `${v} vs ${records[i].value}`));
  }
});

test('resultsCsv: a neutralised formula and the same text already quoted stay two keys (safeText is one-to-one)', () => {
  const records = ['=a', "'=a", "''=a", '-1', "'-1"].flatMap((metric, i) => [record('a', 0, i, { metric }), record('a', 0, i, { metric: 'm', details: { facets: { task: metric } } })]);
  const loaded = loadInPython(resultsCsv(records));
  assert.equal(loaded.rows, records.length);
  assert.deepEqual(loaded.duplicates, []);
});

test('leaderboards/results.csv (committed) loads in Python\'s csv module with one row per result record and no key twice', (t) => {
  const csvPath = join(root, 'leaderboards', 'results.csv');
  if (!existsSync(csvPath)) return t.skip('no committed leaderboards/results.csv');
  const loaded = loadInPython(readFileSync(csvPath, 'utf8'));
  const jsonl = readFileSync(join(root, 'leaderboards', 'results.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  assert.equal(loaded.rows, jsonl.length);
  assert.deepEqual(loaded.duplicates, [], `${loaded.duplicates.length} keys occur twice, e.g. ${JSON.stringify(loaded.duplicates[0])}`);
});
