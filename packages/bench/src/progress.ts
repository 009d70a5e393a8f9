import cliProgress from 'cli-progress';
import type { CellLabel, CellStatus, RunReporter, StepProgress } from '@labbench/core';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

const name = (c: CellLabel) => `${c.study}/${c.arm}/seed${c.seed}`;

/**
 * Progress of a run: a bar per running cell with tokens/s, loss and ETA on a terminal; plain lines
 * (every ~10% of a cell) when output goes to a file or CI. With `--jobs` above 1 several cells
 * report at once, so everything a cell shows is kept per cell: one shared "last line printed"
 * printed a line at every step of both cells whenever they were in different tenths (19,000 lines
 * in a campaign part's log).
 */
export function createReporter(stream: NodeJS.WriteStream = process.stderr, quiet = false): RunReporter {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  let bars: cliProgress.MultiBar | undefined;
  const running = new Map<string, { bar?: cliProgress.SingleBar; tenth: number }>();
  // lines go above the bars while any is drawn (writing past them would tear them)
  const write = (line: string): void => {
    if (bars) bars.log(`${line}\n`);
    else stream.write(`${line}\n`);
  };
  const progressBar = (cell: CellLabel, p: StepProgress): cliProgress.SingleBar => {
    bars ??= new cliProgress.MultiBar({ stream, format: '  {cell} {bar} {value}/{total} steps | loss {loss} | {tps} tok/s | ETA {eta_s}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
    return bars.create(p.steps, 0, { cell: name(cell), loss: '-', tps: '-', eta_s: '?' });
  };
  return {
    cellStart(cell, index, total) {
      running.set(name(cell), { tenth: -1 });
      if (!quiet) write(`[${index + 1}/${total}] ${name(cell)}`);
    },
    step(cell, p: StepProgress) {
      if (quiet) return;
      const state = running.get(name(cell)) ?? { tenth: -1 };
      running.set(name(cell), state);
      if (tty) {
        state.bar ??= progressBar(cell, p);
        state.bar.update(p.step, { loss: p.loss.toFixed(3), tps: Math.round(p.tokensPerSecond), eta_s: formatSeconds(p.etaSeconds) });
        return;
      }
      const tenth = Math.floor((10 * p.step) / p.steps);
      if (tenth !== state.tenth || p.step === p.steps) {
        state.tenth = tenth;
        write(`  ${name(cell)} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s ETA ${formatSeconds(p.etaSeconds)}`);
      }
    },
    cellEnd(cell, status: CellStatus) {
      const bar = running.get(name(cell))?.bar;
      running.delete(name(cell));
      if (bar && bars) {
        bars.remove(bar);
        if (![...running.values()].some((state) => state.bar)) {
          bars.stop();
          bars = undefined;
        }
      }
      if (quiet && status.status !== 'failed') return;
      const detail = status.status === 'failed' ? `FAILED${status.failedAtStep ? ` at step ${status.failedAtStep}` : ''}: ${status.reason}` : `${status.status} in ${status.wallSeconds.toFixed(1)} s`;
      write(`  ${name(cell)} ${detail}`);
    },
    log(message) {
      if (!quiet) write(`  ${message}`);
    },
  };
}
