import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { CellExecutor, CellOutcome, CellReporter, CellTask } from '@labbench/core';
import type { FromWorker, ToWorker, WorkerInit } from './cell-worker.js';

const WORKER = new URL('./cell-worker' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url);

/**
 * V8 options of the worker processes. Per-thread CPU accounting (/proc/<pid>/task) of a
 * `dense-baseline` quick run showed V8's helper threads (parallel scavenges, concurrent marking,
 * background compilation) using about a fifth as much CPU as the worker's main thread (5.7-5.9 s
 * against 31 s). With a spare core that costs nothing; when the workers fill every core it is
 * taken from the other workers. So: a 64 MB young generation (fewer scavenges: the tensor
 * engine allocates many short-lived objects), and, when there are at least as many workers as
 * cores, garbage collection on the worker's own thread and an 8x interrupt budget (V8 optimises a
 * function after 8x as much interpreted work: 347 instead of 946 TurboFan compilations, 1.6 instead
 * of 4.3 s of compiler time, most of the difference recompilations after deoptimisations on too
 * little type feedback; the main thread's time did not change). None changes a computed value (the
 * records are compared bit for bit in docs/performance.md); `LABBENCH_WORKER_V8_OPTIONS` replaces
 * them (space-separated; empty for V8's defaults), for measurements.
 */
export function workerV8Options(workers: number, cores = availableParallelism(), override = process.env.LABBENCH_WORKER_V8_OPTIONS): string[] {
  if (override !== undefined) return override.split(/\s+/).filter(Boolean);
  return ['--max-semi-space-size=64', ...(workers >= cores ? ['--single-threaded-gc', `--interrupt-budget=${8 * V8_DEFAULT_INTERRUPT_BUDGET}`] : [])];
}

/** V8's interrupt budget in Node 20 (`node --v8-options`: bytes of bytecode run before a tier-up check). */
const V8_DEFAULT_INTERRUPT_BUDGET = 67_584;

/**
 * How long a stopping run waits for its trainings to save their snapshots. The trainer lets
 * signals and messages through every 8 steps, so it sees the stop within 9 steps (a campaign step
 * takes under a second); Slurm kills a job 30 s (its default KillWait) after the SIGTERM of
 * `scancel` or a time limit, so the wait ends before that.
 */
export const STOP_GRACE_SECONDS = 20;

interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<{ name: string; nativeKernels: boolean }>;
  busy: boolean;
}

/**
 * Runs cells in worker processes, `jobs` at a time. A worker that exits, crashes or outlives the
 * cell timeout fails only the cell it was computing (with a sentence saying which and why) and is
 * replaced; the run goes on. Workers are reused across cells, so plugins load once per worker.
 */
export class ProcessPool implements CellExecutor {
  private readonly workers = new Set<Worker>();
  private closed = false;
  /** Set by stop(): the runner launches no further cell. */
  stopping = false;

  constructor(
    readonly slots: number,
    private readonly init: WorkerInit,
    private readonly timeoutSeconds: number,
  ) {}

  /**
   * The backend the workers run (they all choose it the same way). Starts every slot's worker, so
   * they all load plugins and the backend at once, while the parent prepares the first cells' data.
   */
  async backend(): Promise<{ name: string; nativeKernels: boolean }> {
    while (!this.closed && this.workers.size < this.slots) this.spawn();
    const [first] = this.workers;
    return first.ready;
  }

  async run(task: CellTask, reporter: CellReporter): Promise<CellOutcome> {
    if (this.closed) throw new Error('the run is stopping');
    const worker = this.idle() ?? this.spawn();
    worker.busy = true;
    const label = `${task.study}/${task.arm}/seed${task.seed}`;
    const started = performance.now();
    const failed = (reason: string): CellOutcome => ({ status: 'failed', reason, warnings: [], wallSeconds: (performance.now() - started) / 1000 });
    try {
      await worker.ready;
    } catch (error) {
      this.retire(worker);
      return failed((error as Error).message);
    }
    return new Promise<CellOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: CellOutcome, retire: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.child.off('message', onMessage);
        worker.child.off('exit', onExit);
        if (retire) this.retire(worker);
        else worker.busy = false;
        resolve(outcome);
      };
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'step') reporter.step(message.progress);
        else if (message.type === 'log') reporter.log(message.message);
        else if (message.type === 'done') settle(message.outcome, false);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        settle(failed(`the worker computing ${label} ${how} before the cell finished (plugin code ended the process or crashed).`), true);
      };
      const timer = setTimeout(() => {
        settle(failed(`timed out after ${this.timeoutSeconds} s (the cell timeout of this profile; set another with --cell-timeout).`), true);
      }, this.timeoutSeconds * 1000);
      worker.child.on('message', onMessage);
      worker.child.on('exit', onExit);
      worker.child.send({ type: 'cell', task } satisfies ToWorker);
    });
  }

  /**
   * Stops the run gently: no new cell starts, every worker is told to stop (a training saves its
   * snapshot after the step it is in, then its worker exits), and workers still running after
   * `graceSeconds` (a cell that is evaluating) are killed.
   */
  async stop(graceSeconds: number): Promise<void> {
    this.stopping = true;
    this.closed = true;
    const exited = [...this.workers].map((worker) => new Promise<void>((resolve) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
      worker.child.once('exit', () => resolve());
      try {
        worker.child.send({ type: 'stop' } satisfies ToWorker);
      } catch {
        // its channel is already closed: it is exiting
      }
    }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(exited), new Promise((resolve) => { timer = setTimeout(resolve, graceSeconds * 1000); })]);
    clearTimeout(timer);
    await this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const worker of [...this.workers]) this.retire(worker);
  }

  private idle(): Worker | undefined {
    return [...this.workers].find((w) => !w.busy);
  }

  private spawn(): Worker {
    // TypeScript sources run through tsx (the parent may have registered it in-process, which a
    // child does not inherit); compiled JavaScript runs as it is.
    const execArgv = [...(WORKER.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : []), ...workerV8Options(this.slots)];
    const child = fork(WORKER, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    const ready = new Promise<{ name: string; nativeKernels: boolean }>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'ready') resolve(message.backend);
        else if (message.type === 'init-failed') reject(new Error(`a worker could not start: ${message.message}`));
        else return;
        child.off('message', onMessage);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`a worker exited with code ${code} while starting.`)));
    });
    ready.catch(() => {});
    child.send({ type: 'init', init: this.init } satisfies ToWorker);
    const worker: Worker = { child, ready, busy: false };
    this.workers.add(worker);
    return worker;
  }

  private retire(worker: Worker): void {
    this.workers.delete(worker);
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }
}
