/**
 * A worker process of `labbench run`: builds the registry, engine and data provider once, then
 * computes the cells its parent sends, one at a time, and answers with each cell's outcome. Plugin
 * code runs here, so an exit, a crash or a hang ends this process (the parent fails that one cell
 * and starts a new worker), never the run.
 */
import { fileURLToPath } from 'node:url';
import { ContentStore, createCellContext, discoverPlugins, executeCell, type CellContext, type CellTask, type Profile } from '@labbench/core';
import type { BackendPreference } from '@labbench/tensor';

export interface WorkerInit {
  readonly root: string;
  readonly profile: Profile;
  readonly backend: BackendPreference;
  readonly cacheDir: string;
  readonly datasetsDir: string;
  /** Native (OpenBLAS) threads of this worker: fixed per cell, so results never depend on --jobs. */
  readonly threads: number;
  /** Wall seconds of training between resumable snapshots (0: none). */
  readonly snapshotSeconds: number;
}

export type ToWorker = { type: 'init'; init: WorkerInit } | { type: 'cell'; task: CellTask } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready'; backend: { name: string; nativeKernels: boolean } }
  | { type: 'init-failed'; message: string }
  | { type: 'step'; progress: import('@labbench/core').StepProgress }
  | { type: 'log'; message: string }
  | { type: 'done'; outcome: import('@labbench/core').CellOutcome };

/** Entry modules of the engine and the data provider: their code is on every cell's path. */
export function engineCodeEntries(): string[] {
  return ['@labbench/tensor', '@labbench/corpora'].map((name) => fileURLToPath(import.meta.resolve(name)));
}

async function createContext(init: WorkerInit, stopRequested: () => boolean): Promise<CellContext> {
  process.env.LABBENCH_NATIVE_THREADS = String(init.threads);
  const registry = await discoverPlugins(init.root);
  const { createEngine, initBackend } = await import('@labbench/tensor');
  const { createDataProvider } = await import('@labbench/corpora');
  const info = await initBackend(init.backend);
  return createCellContext({
    registry, engine: createEngine(info), data: createDataProvider({ cacheDir: init.datasetsDir }), profile: init.profile,
    store: new ContentStore(init.cacheDir), codeEntries: engineCodeEntries(), log: (message) => send({ type: 'log', message }),
    snapshotSeconds: init.snapshotSeconds, stopRequested,
  });
}

/** The real process.exit: plugin code runs with one that throws (core's withoutProcessExit). */
const exit = process.exit.bind(process);

/** A message to the parent; once the parent is gone (it died mid-send: EPIPE) the worker just ends. */
function send(message: FromWorker, then?: () => void): void {
  process.send?.(message, (error: Error | null) => {
    if (error) exit(0);
    else then?.();
  });
}

if (process.send) {
  let context: Promise<CellContext> | undefined;
  let busy = false;
  let stopping = false;
  // The run is stopping: its parent says so, or the signal reached this process too (Ctrl-C and
  // Slurm signal the whole process group). Idle, the worker ends now; computing a cell, a training
  // saves its snapshot after the step it is in and ends, and the worker ends after reporting it
  // (a cell that is evaluating runs until the parent's grace period kills it).
  const stop = (): void => {
    stopping = true;
    if (!busy) exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('message', async (message: ToWorker) => {
    if (message.type === 'stop') return stop();
    if (message.type === 'init') {
      context = createContext(message.init, () => stopping);
      try {
        const ctx = await context;
        send({ type: 'ready', backend: ctx.engine.backend });
      } catch (error) {
        send({ type: 'init-failed', message: (error as Error).message });
      }
      return;
    }
    busy = true;
    const ctx = await context!;
    const outcome = await executeCell(ctx, message.task, {
      step: (progress) => send({ type: 'step', progress }),
      log: (m) => send({ type: 'log', message: m }),
    });
    busy = false;
    send({ type: 'done', outcome }, () => {
      if (stopping) exit(0);
    });
  });
  // The parent going away (killed, Ctrl-C) ends the worker too.
  process.on('disconnect', () => exit(0));
}
