/**
 * Trains and evaluates the calibration study's cells (study.ts) at a profile through the harness's
 * runner, in this process (one cell at a time, one native thread: one core), with the content
 * cache, so a rerun or a run with more seeds only computes the new cells. Records go to
 * `<out>/results.jsonl` and cell times to `<out>/cells.json`; analyse.ts judges them.
 *
 * Usage (run under nice; it is a measurement):
 *   node --conditions=@labbench/source --import tsx tools/calibration/cells.ts \
 *     --profile quick --seeds 24 --arms short-75 [--out .labbench/calibration/quick]
 */
import { join, resolve } from 'node:path';
import { type CellStatus, getProfile, runStudies } from '@labbench/core';
import { calibrationRegistry, HANDICAPS, STUDY } from './study.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

process.env.LABBENCH_NATIVE_THREADS = '1'; // one core, like `labbench run --jobs 1 --threads 1`
const root = resolve(new URL('../../', import.meta.url).pathname);
const profile = getProfile(arg('--profile') ?? 'quick');
const seeds = Number(arg('--seeds') ?? profile.seeds);
const handicaps = (arg('--arms') ?? 'short-75').split(',').filter(Boolean);
for (const h of handicaps) if (!(h in HANDICAPS)) throw new Error(`unknown handicap arm '${h}'; known: ${Object.keys(HANDICAPS).join(', ')}`);
const state = process.env.LABBENCH_HOME ? resolve(process.env.LABBENCH_HOME) : join(root, '.labbench');
const outDir = resolve(arg('--out') ?? join(state, 'calibration', profile.name));

const { createEngine, initBackend } = await import('@labbench/tensor');
const { createDataProvider } = await import('@labbench/corpora');
const info = await initBackend('auto');
const registry = await calibrationRegistry(root, handicaps);
const started = performance.now();
let done = 0;
const summary = await runStudies({
  root,
  registry,
  profile,
  studies: [STUDY],
  seeds,
  outDir,
  cacheDir: join(state, 'cache'),
  engine: createEngine(info),
  data: createDataProvider({ cacheDir: join(state, 'datasets') }),
  backend: info,
  codeEntries: ['@labbench/tensor', '@labbench/corpora'].map((name) => new URL(import.meta.resolve(name)).pathname),
  reporter: {
    cellStart() {},
    step() {},
    log: (m) => process.stderr.write(`${m}\n`),
    cellEnd(_cell, s: CellStatus) {
      done++;
      process.stderr.write(
        `${s.study}/${s.arm}/seed${s.seed}: ${s.status}${s.trainSeconds !== undefined ? ` (train ${s.trainSeconds.toFixed(1)} s, eval ${s.evalSeconds?.toFixed(1)} s)` : ''} [${done}, ${((performance.now() - started) / 1000).toFixed(0)} s]\n`,
      );
    },
  },
});
process.stderr.write(
  `${summary.records.length} records from ${summary.cells.length} cells (${summary.failed.length} failed), backend ${info.name}${info.nativeKernels ? ' + native kernels' : ''} -> ${summary.resultsPath}\n`,
);
if (summary.failed.length > 0) process.exitCode = 1;
