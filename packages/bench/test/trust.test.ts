/**
 * Results you can trust (issue #15): a failed source fails its dependents, an edited evaluator is
 * re-evaluated without retraining, an unrelated edit keeps every cell cached, and plugin code
 * that exits, hangs, throws an exit-code-carrying error or returns NaN fails only its own cell.
 * Each runs the real CLI on a small fixture workspace (its node_modules is this workspace's, so
 * the real dense model, tokenizers and losses are there) at the smoke profile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, tempDir, workspaceRoot } from './helpers.js';

interface Cell { arm: string; seed: number; status: string; training?: string; reason?: string }

/** A workspace with one plugin, `hostile`, whose evaluator misbehaves at seed 1 as HOSTILE_MODE says. */
function fixtureWorkspace(): string {
  const root = tempDir('labbench-fixture-');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module', workspaces: ['plugins/*'] }));
  // Only the packages the fixture uses, so unrelated plugins (and edits to them) stay out of it.
  mkdirSync(join(root, 'node_modules', '@labbench'), { recursive: true });
  for (const name of ['core', 'tensor', 'tensor-native', 'corpora', 'plugin-dense', 'plugin-bpe', 'plugin-cross-entropy']) {
    const target = join(workspaceRoot, 'node_modules', '@labbench', name);
    if (existsSync(target)) symlinkSync(realpathSync(target), join(root, 'node_modules', '@labbench', name));
  }
  const plugin = (name: string, files: Record<string, string>, kinds = ['evaluator', 'study']) => {
    const dir = join(root, 'plugins', name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `fixture-${name}`, version: '1.0.0', type: 'module', exports: { '.': './src/index.ts' }, labbench: { id: name, kinds } }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'src', file), text);
  };
  plugin('hostile', {
    'index.ts': `
import { defineBoard, definePlugin, defineStudy } from '@labbench/core';
import { probe } from './probe.js';
if (process.env.HOSTILE_MODE === 'import-exit') process.exit(0);
const study = (id: string, arms: Record<string, object>, model = 'dense') => defineStudy({
  id, version: 1, title: id, claim: 'fixture', shared: { model, tokenizer: 'bpe', loss: 'cross-entropy', ...(model === 'dense' ? { modelConfig: { ffnHidden: 16 } } : {}) },
  arms, references: false, evaluators: ['fixture-probe'],
});
export default definePlugin({
  id: 'hostile', evaluators: [probe],
  boards: [defineBoard({ id: 'fixture', title: 'fixture probe', headline: 'probe.vocab', direction: 'none' })],
  studies: [
    study('fixture-cells', { only: {} }, 'none'),
    study('fixture-model', { only: {} }),
    study('fixture-convert', { base: {}, convert: { initFrom: 'base', stepsFraction: 0.5 } }),
    // trains exactly what fixture-model's arm trains (the model's defaults spelled out)
    study('fixture-twin', { again: { modelConfig: { ffnHidden: 16, activation: 'swiglu' } } }),
  ],
});
`,
    'probe.ts': `
import type { Evaluator } from '@labbench/core';
export const probe: Evaluator = {
  id: 'fixture-probe', description: 'returns one metric; misbehaves at seed 1 when told', boards: ['fixture'], requires: 'any',
  async evaluate(subject, context) {
    // HOSTILE_MODE=all: a different misbehaviour at each of seeds 1-4 (seeds 0 and 5 behave)
    const all: Record<number, string> = { 1: 'exit', 2: 'hang', 3: 'throw2', 4: 'nan' };
    const mode = process.env.HOSTILE_MODE === 'all' ? all[context.seed] : context.seed === 1 ? process.env.HOSTILE_MODE : undefined;
    if (mode === 'exit') process.exit(0);
    if (mode === 'hang') await new Promise(() => {});
    if (mode === 'throw2') throw Object.assign(new Error('bad thing'), { exitCode: 2 });
    const value = mode === 'nan' ? Number.NaN : subject.tokenizer.vocabSize;
    return [{ board: 'fixture', metric: 'probe.vocab', value, direction: 'none', n: 1 }];
  },
};
`,
  });
  // a dense model that, at its STOPPER_SIGNAL_AT-th training pass, sends SIGTERM to its run and to
  // itself, as Ctrl-C (SIGINT) or Slurm's scancel and time limit signal a run's whole process group
  plugin('stopper', {
    'index.ts': `
import { definePlugin, defineStudy, type ModelFactory } from '@labbench/core';
import { denseModel } from '@labbench/plugin-dense';
const stopper: ModelFactory = {
  ...denseModel, id: 'stopper',
  create(config, context) {
    const model = denseModel.create(config, context);
    const forward = model.forward.bind(model);
    let passes = 0;
    model.forward = (ids, options) => {
      if (options.training && ++passes === Number(process.env.STOPPER_SIGNAL_AT)) {
        process.kill(process.ppid, 'SIGTERM');
        process.kill(process.pid, 'SIGTERM');
      }
      return forward(ids, options);
    };
    return model;
  },
};
export default definePlugin({
  id: 'stopper', models: [stopper],
  studies: [defineStudy({
    id: 'fixture-stop', version: 1, title: 'fixture-stop', claim: 'fixture',
    shared: { model: 'stopper', tokenizer: 'bpe', loss: 'cross-entropy', modelConfig: { ffnHidden: 16 } },
    arms: { only: { stepsFraction: 10 } }, references: false, evaluators: [],
  })],
});
`,
  }, ['model', 'study']);
  plugin('bystander', { 'index.ts': `import { definePlugin } from '@labbench/core';\nexport default definePlugin({ id: 'bystander' });\n` });
  return root;
}

function run(root: string, home: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cliPath, 'run', '--profile', 'smoke', '--out', join(home, 'out'), ...args], {
    cwd: root, env: { ...process.env, LABBENCH_HOME: home, CI: '1', ...env }, encoding: 'utf8', timeout: 300_000,
  });
  const cellsPath = join(home, 'out', 'cells.json');
  const cells: Cell[] = existsSync(cellsPath) ? JSON.parse(readFileSync(cellsPath, 'utf8')) : [];
  return { code: result.status, stderr: result.stderr, stdout: result.stdout, cells };
}

const root = fixtureWorkspace();

test('plugin code that exits, hangs, throws with exitCode 2 or returns NaN fails only its cell; the run exits 1', () => {
  const home = tempDir('labbench-hostile-');
  const r = run(root, home, ['--study', 'fixture-cells', '--seeds', '6', '--cell-timeout', '30', '--jobs', '2'], { HOSTILE_MODE: 'all' });
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stderr}`);
  assert.deepEqual(r.cells.map((c) => [c.seed, c.status]), [[0, 'ok'], [1, 'failed'], [2, 'failed'], [3, 'failed'], [4, 'failed'], [5, 'ok']], JSON.stringify(r.cells));
  const expected = [/process\.exit\(0\)/, /timed out after 30 s/, /bad thing/, /fixture-probe.*probe\.vocab.*NaN/];
  expected.forEach((pattern, i) => assert.match(r.cells[i + 1].reason ?? '', pattern));
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace reached the user');
  const seeds = readFileSync(join(home, 'out', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).seed);
  assert.deepEqual(seeds, [0, 5], 'the results of the other cells are all there');
});

test('a plugin that calls process.exit at import time stops the run with exit 2 and a sentence, before anything is written', () => {
  const home = tempDir('labbench-import-exit-');
  const r = run(root, home, ['--study', 'fixture-cells'], { HOSTILE_MODE: 'import-exit' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /fixture-hostile.*process\.exit\(0\)/s);
  assert.equal(existsSync(join(home, 'out')), false);
});

test('a failed source fails the cell that converts it, which is never trained from scratch nor cached', () => {
  const home = tempDir('labbench-source-');
  const failed = run(root, home, ['--study', 'fixture-convert'], { LABBENCH_INJECT_NAN: 'fixture-convert/base/0@2' });
  assert.equal(failed.code, 1, failed.stderr);
  assert.deepEqual(failed.cells.map((c) => [c.arm, c.status]), [['base', 'failed'], ['convert', 'failed']]);
  assert.match(failed.cells[0].reason ?? '', /^training fault at step 2: loss is NaN/);
  assert.equal(failed.cells[1].reason, 'source fixture-convert/base/seed0 failed');
  const healed = run(root, home, ['--study', 'fixture-convert']);
  assert.equal(healed.code, 0, healed.stderr);
  assert.deepEqual(healed.cells.map((c) => [c.arm, c.status, c.training]), [['base', 'ok', 'trained'], ['convert', 'ok', 'trained']]);
  // the healed results equal a clean run's in a fresh state folder
  const cleanHome = tempDir('labbench-clean-');
  const clean = run(root, cleanHome, ['--study', 'fixture-convert']);
  assert.equal(clean.code, 0, clean.stderr);
  const values = (h: string) => readFileSync(join(h, 'out', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l);
    return [r.arm, r.metric, r.value, r.provenance.configHash];
  });
  assert.deepEqual(values(home), values(cleanHome));
});

test('a training stopped mid-way continues from its last snapshot, with the results of a run never stopped', () => {
  const home = tempDir('labbench-resume-');
  const stopped = run(root, home, ['--study', 'fixture-model', '--snapshot-every', '0.000001'], { LABBENCH_INJECT_NAN: 'fixture-model/only/0@3' });
  assert.equal(stopped.code, 1, stopped.stderr);
  assert.match(stopped.cells[0].reason ?? '', /^training fault at step 3/);
  const snapshots = () => (existsSync(join(home, 'cache', 'snapshots')) ? readdirSync(join(home, 'cache', 'snapshots')) : []);
  assert.equal(snapshots().length, 1, 'the snapshot after step 2 is kept');
  const resumed = run(root, home, ['--study', 'fixture-model']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from its last snapshot/);
  assert.deepEqual(resumed.cells.map((c) => [c.status, c.training]), [['ok', 'trained']]);
  assert.deepEqual(snapshots(), [], 'the finished training removed its snapshot');
  const cleanHome = tempDir('labbench-resume-clean-');
  const clean = run(root, cleanHome, ['--study', 'fixture-model', '--snapshot-every', '0']);
  assert.equal(clean.code, 0, clean.stderr);
  const values = (h: string) => readFileSync(join(h, 'out', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l);
    return [r.arm, r.metric, r.value, r.stderr, r.details, r.provenance.configHash];
  });
  assert.deepEqual(values(home), values(cleanHome));
  // the probe reads only the tokenizer; the training curves carry the model: every loss, wall time aside
  const curves = (h: string) => readFileSync(join(h, 'out', 'training.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { wallSeconds, ...rest } = JSON.parse(l).training;
    return rest;
  });
  assert.deepEqual(curves(home), curves(cleanHome));
});

test('a run stopped by a signal saves the training in progress and exits 143; the rerun continues from it, with the results of a run never stopped', () => {
  const home = tempDir('labbench-stop-');
  const snapshots = () => (existsSync(join(home, 'cache', 'snapshots')) ? readdirSync(join(home, 'cache', 'snapshots')) : []);
  // no timed snapshot within the hour: the one found is the stop's
  const stopped = run(root, home, ['--study', 'fixture-stop', '--seeds', '2', '--jobs', '1', '--snapshot-every', '3600'], { STOPPER_SIGNAL_AT: '3' });
  assert.equal(stopped.code, 143, stopped.stderr);
  assert.match(stopped.stderr, /stopping on SIGTERM: saving a snapshot of each training in progress/);
  assert.match(stopped.stderr, /stopped by SIGTERM\. 0 of 2 cells are saved[\s\S]*trainings in progress continue from their snapshots/);
  // signalled during step 3 of 120; the trainer lets signals through every 8 steps
  const at = Number(/^stopped after step (\d+)/.exec(stopped.cells[0]?.reason ?? '')?.[1]);
  assert.ok(stopped.cells[0]?.status === 'failed' && at >= 3 && at <= 24, `${stopped.cells[0]?.status}: ${stopped.cells[0]?.reason}`);
  assert.equal(stopped.cells.length, 1, 'the second seed never started');
  assert.equal(snapshots().length, 1);
  const resumed = run(root, home, ['--study', 'fixture-stop', '--seeds', '2']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(resumed.cells.map((c) => [c.seed, c.status]), [[0, 'ok'], [1, 'ok']]);
  assert.match(resumed.stderr, /resuming from its last snapshot/);
  assert.deepEqual(snapshots(), []);
  const cleanHome = tempDir('labbench-stop-clean-');
  const clean = run(root, cleanHome, ['--study', 'fixture-stop', '--seeds', '2', '--snapshot-every', '0']);
  assert.equal(clean.code, 0, clean.stderr);
  const curves = (h: string) => readFileSync(join(h, 'out', 'training.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { wallSeconds, ...rest } = JSON.parse(l).training;
    return rest;
  });
  assert.deepEqual(curves(home), curves(cleanHome));
});

test('editing an evaluator re-evaluates without retraining; editing an unrelated plugin keeps every cell cached', () => {
  const home = tempDir('labbench-edit-');
  const first = run(root, home, ['--study', 'fixture-model']);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(first.cells.map((c) => [c.status, c.training]), [['ok', 'trained']]);
  appendFileSync(join(root, 'plugins', 'bystander', 'src', 'index.ts'), '\nexport const edited = 1;\n');
  const unrelated = run(root, home, ['--study', 'fixture-model']);
  assert.deepEqual(unrelated.cells.map((c) => c.status), ['cached'], unrelated.stderr);
  appendFileSync(join(root, 'plugins', 'hostile', 'src', 'probe.ts'), '\nexport const revision = 2;\n');
  const edited = run(root, home, ['--study', 'fixture-model']);
  assert.equal(edited.code, 0, edited.stderr);
  assert.deepEqual(edited.cells.map((c) => [c.status, c.training]), [['ok', 'loaded']], 'recomputed from the cached checkpoint');
});

test('two studies whose arms train the same thing share one trained cell: the second loads it, even with two workers', () => {
  const home = tempDir('labbench-twin-');
  const r = run(root, home, ['--study', 'fixture-model', 'fixture-twin', '--jobs', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.cells.map((c) => [c.arm, c.status, c.training]), [['only', 'ok', 'trained'], ['again', 'ok', 'loaded']]);
  const values = readFileSync(join(home, 'out', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).value);
  assert.equal(values[0], values[1]);
});

test('an unwritable --out is reported before any worker starts or anything trains, with exit 2', () => {
  const home = tempDir('labbench-unwritable-');
  const file = join(home, 'a-file');
  writeFileSync(file, 'not a folder');
  const result = spawnSync(process.execPath, [cliPath, 'run', '--profile', 'smoke', '--study', 'fixture-cells', '--out', join(file, 'out')], {
    cwd: root, env: { ...process.env, LABBENCH_HOME: home, CI: '1' }, encoding: 'utf8', timeout: 120_000,
  });
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /output folder \(--out\): cannot write to/);
  assert.equal(readdirSync(home).includes('cache') && readdirSync(join(home, 'cache')).length > 0, false, 'nothing was cached');
});

/** A small tmpfs (full) or a read-only one, where this process may mount (root, as on CI). */
function mountTmpfs(options: string): string | undefined {
  const dir = tempDir('labbench-mnt-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : undefined;
}

test('a full or read-only --out is reported before anything trains, with exit 2 (where this machine lets the test mount one)', () => {
  const cases: [string, RegExp][] = [['size=64k', /has only 0\.\d MiB free/], ['ro,size=1m', /cannot write to .*read-only/i]];
  for (const [options, message] of cases) {
    const dir = mountTmpfs(options);
    const home = tempDir('labbench-mounted-');
    const out = dir ?? join(home, 'a-file', 'out'); // without mount rights: an --out under a file
    if (!dir) writeFileSync(join(home, 'a-file'), 'not a folder');
    try {
      const result = spawnSync(process.execPath, [cliPath, 'run', '--profile', 'smoke', '--study', 'fixture-cells', '--out', out], {
        cwd: root, env: { ...process.env, LABBENCH_HOME: home, CI: '1' }, encoding: 'utf8', timeout: 120_000,
      });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, dir ? message : /cannot write to/);
      assert.equal(existsSync(join(home, 'cache')) && readdirSync(join(home, 'cache')).length > 0, false, 'nothing was cached');
    } finally {
      if (dir) spawnSync('umount', [dir]);
    }
  }
});

test('--jobs never changes a result: one worker and two give the same records (bit for bit, apart from timings)', () => {
  const records = (jobs: string) => {
    const home = tempDir(`labbench-jobs${jobs}-`);
    const r = run(root, home, ['--study', 'fixture-convert', 'fixture-model', '--seeds', '2', '--jobs', jobs]);
    assert.equal(r.code, 0, r.stderr);
    return readFileSync(join(home, 'out', 'results.jsonl'), 'utf8').trim().split('\n').map((line) => {
      const { provenance, ...rest } = JSON.parse(line);
      const { date, wallSeconds, ...kept } = provenance;
      void date; void wallSeconds;
      return { ...rest, provenance: kept };
    });
  };
  assert.deepEqual(records('2'), records('1'));
});
