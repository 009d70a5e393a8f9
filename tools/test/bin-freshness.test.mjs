// The labbench bin runs dist/ only when every workspace package's dist/ is current; a fixture
// workspace checks each way a build goes stale (missing, older source, deleted file, manifest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { staleWorkspacePackage, startConditions, workspaceRootOf } from '../../packages/bench/bin/freshness.mjs';

function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'labbench-fresh-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['packages/*'] }));
  for (const name of ['a', 'b']) {
    const dir = join(root, 'packages', name);
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(join(dir, 'src', 'index.ts'), 'export {};');
    writeFileSync(join(dir, 'src', 'sub', 'x.ts'), 'export {};');
  }
  return root;
}

/** Sets a path's mtime (seconds since the epoch). */
const age = (path, seconds) => utimesSync(path, seconds, seconds);

function built(root, name, at = 2000) {
  const dir = join(root, 'packages', name);
  for (const p of ['package.json', 'src/index.ts', 'src/sub/x.ts', 'src/sub', 'src']) age(join(dir, p), 1000);
  writeFileSync(join(dir, 'dist', '.tsbuildinfo'), '{}');
  age(join(dir, 'dist', '.tsbuildinfo'), at);
}

test('freshness: current when every package is built after its sources; stale names the first package otherwise', () => {
  const root = fixture();
  assert.equal(staleWorkspacePackage(root), 'packages/a', 'nothing built yet');
  built(root, 'a');
  assert.equal(staleWorkspacePackage(root), 'packages/b');
  built(root, 'b');
  assert.equal(staleWorkspacePackage(root), undefined);
  assert.equal(workspaceRootOf(join(root, 'packages', 'a', 'src')), root);
  rmSync(root, { recursive: true, force: true });
});

test('freshness: any source edit, deleted file or manifest change after the build makes it stale', () => {
  fc.assert(
    fc.property(fc.constantFrom('edit', 'delete', 'manifest', 'new file'), fc.constantFrom('a', 'b'), fc.integer({ min: 1, max: 10_000 }), (change, name, later) => {
      const root = fixture();
      built(root, 'a');
      built(root, 'b');
      const dir = join(root, 'packages', name);
      const when = 2000 + later;
      if (change === 'edit') age(join(dir, 'src', 'sub', 'x.ts'), when);
      if (change === 'manifest') age(join(dir, 'package.json'), when);
      if (change === 'delete') {
        rmSync(join(dir, 'src', 'sub', 'x.ts'));
        age(join(dir, 'src', 'sub'), when);
      }
      if (change === 'new file') {
        writeFileSync(join(dir, 'src', 'y.ts'), 'export {};');
        age(join(dir, 'src', 'y.ts'), when);
      }
      const stale = staleWorkspacePackage(root);
      rmSync(root, { recursive: true, force: true });
      return stale === `packages/${name}`;
    }),
    { numRuns: 20 },
  );
});

test('freshness: start conditions come from argv and NODE_OPTIONS, in both spellings', () => {
  assert.deepEqual(startConditions(['--conditions=@labbench/source'], ''), ['@labbench/source']);
  assert.deepEqual(startConditions([], '--max-old-space-size=100 -C @labbench/source'), ['@labbench/source']);
  assert.deepEqual(startConditions(['--import', 'tsx'], ''), []);
});
