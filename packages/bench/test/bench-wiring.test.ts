import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { workspaceRoot } from './helpers.js';

const json = (path: string) => JSON.parse(readFileSync(join(workspaceRoot, path), 'utf8'));

/**
 * `nx run bench:all` only shows progress if every plugin's run streams to the terminal: Nx prints
 * a dependency's output as one line (or hides it in a TUI pane) and only the task asked for
 * streams, so the target runs the plugins with a nested `run-many --output-style=stream`, and no
 * plugin's bench script may silence its run with --quiet. (Measured end to end in
 * docs/leaderboards.md: every plugin's step lines reach the terminal.)
 */
test('bench:all streams every plugin bench run, then publishes; no plugin runs with --quiet', () => {
  const all = json('packages/bench/package.json').nx.targets.all;
  assert.deepEqual(all.options.commands, ['nx run-many -t bench --projects tag:plugin --output-style=stream', 'labbench publish']);
  assert.equal(all.options.parallel, false, 'publish waits for every plugin');
  assert.equal(all.dependsOn, undefined, "a dependency's output would not stream");
  const plugins = readdirSync(join(workspaceRoot, 'plugins')).map((dir) => json(`plugins/${dir}/package.json`));
  const benches = plugins.filter((p) => p.scripts?.bench);
  assert.ok(benches.length >= 10, `${benches.length} plugins with a bench script`);
  for (const p of benches) {
    assert.match(p.scripts.bench, /^labbench run /, p.name);
    assert.doesNotMatch(p.scripts.bench, /--quiet/, `${p.name} would print nothing but failures`);
    assert.ok(p.nx?.tags?.includes('plugin'), `${p.name} is tagged plugin, so run-many finds it`);
  }
});
