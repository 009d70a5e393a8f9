// The whole workspace type-checks under strict TypeScript (tests run through tsx, which strips types
// without checking them, so this is where type errors surface).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

test('typecheck: tsc --noEmit over every package, plugin and test passes', () => {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`.slice(0, 4000));
});
