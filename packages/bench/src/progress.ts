import cliProgress from 'cli-progress';
import type { CellLabel, CellStatus, RunReporter, StepProgress } from '@labbench/core';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

const name = (c: CellLabel) => `${c.study}/${c.arm}/seed${c.seed}`;

/**
 * Progress of a run: a bar per cell with tokens/s, loss and ETA on a terminal; plain lines (every
 * ~10% of a cell) when output goes to a file or CI.
 */
export function createReporter(stream: NodeJS.WriteStream = process.stderr, quiet = false): RunReporter {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  let bar: cliProgress.SingleBar | undefined;
  let lastPlain = -1;
  return {
    cellStart(cell, index, total) {
      if (quiet) return;
      stream.write(`[${index + 1}/${total}] ${name(cell)}\n`);
      lastPlain = -1;
    },
    step(cell, p: StepProgress) {
      if (quiet) return;
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ stream, format: '  {bar} {value}/{total} steps | loss {loss} | {tps} tok/s | ETA {eta_s}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
          bar.start(p.steps, 0, { loss: '-', tps: '-', eta_s: '?' });
        }
        bar.update(p.step, { loss: p.loss.toFixed(3), tps: Math.round(p.tokensPerSecond), eta_s: formatSeconds(p.etaSeconds) });
        return;
      }
      const decile = Math.floor((10 * p.step) / p.steps);
      if (decile !== lastPlain || p.step === p.steps) {
        lastPlain = decile;
        stream.write(`  ${name(cell)} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s ETA ${formatSeconds(p.etaSeconds)}\n`);
      }
    },
    cellEnd(cell, status: CellStatus) {
      bar?.stop();
      bar = undefined;
      if (quiet && status.status !== 'failed') return;
      const detail = status.status === 'failed' ? `FAILED${status.failedAtStep ? ` at step ${status.failedAtStep}` : ''}: ${status.reason}` : `${status.status} in ${status.wallSeconds.toFixed(1)} s`;
      stream.write(`  ${name(cell)} ${detail}\n`);
    },
    log(message) {
      if (!quiet) stream.write(`  ${message}\n`);
    },
  };
}
