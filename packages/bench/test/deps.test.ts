import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, workspaceRoot } from './helpers.js';

test("every plugin's Nx implicitDependencies list the packages its studies run (labbench deps --check)", () => {
  const r = runCli(['deps', '--check']);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  // and the dense plugin's studies do run other packages: the check is not vacuous
  const dense = JSON.parse(readFileSync(join(workspaceRoot, 'plugins', 'dense', 'package.json'), 'utf8'));
  assert.ok((dense.nx?.implicitDependencies ?? []).includes('@labbench/plugin-perplexity'), JSON.stringify(dense.nx));
});
