import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { createReporter } from '../src/progress.js';

/** A non-terminal stream (a log file, CI) that keeps what is written. */
function logFile(): { stream: NodeJS.WriteStream; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

// One cell's training as the reporter sees it: steps from `first` (1, or the step after a snapshot) to `steps`.
const cellRun = fc.record({ steps: fc.integer({ min: 1, max: 300 }), firstShare: fc.double({ min: 0, max: 1, noNaN: true }) });

test('cells reporting at once (--jobs 2+) each print a line per tenth of their run and their last step, in any interleaving', () => {
  fc.assert(
    fc.property(fc.array(cellRun, { minLength: 1, maxLength: 3 }), fc.infiniteStream(fc.nat()), (runs, picks) => {
      const { stream, lines } = logFile();
      const reporter = createReporter(stream);
      const cells = runs.map((run, i) => ({ label: { study: 's', arm: `a${i}`, seed: 0 }, ...run, next: Math.max(1, Math.ceil(run.firstShare * run.steps)) }));
      cells.forEach((c, i) => reporter.cellStart(c.label, i, cells.length));
      const pick = picks[Symbol.iterator]();
      for (let live = cells.filter((c) => c.next <= c.steps); live.length > 0; live = cells.filter((c) => c.next <= c.steps)) {
        const c = live[pick.next().value % live.length];
        reporter.step(c.label, { step: c.next, steps: c.steps, loss: 1, tokensPerSecond: 100, etaSeconds: 1 });
        c.next++;
      }
      for (const c of cells) {
        const stepLines = lines().filter((l) => l.startsWith(`  s/${c.label.arm}/seed0 step `));
        const printed = stepLines.map((l) => Number(/ step (\d+)\//.exec(l)?.[1]));
        const first = Math.max(1, Math.ceil(c.firstShare * c.steps));
        const tenths = new Set(Array.from({ length: c.steps - first + 1 }, (_, k) => Math.floor((10 * (first + k)) / c.steps)));
        assert.equal(printed.length, tenths.size, `${c.label.arm}: ${printed.length} lines for ${tenths.size} tenths (${printed.join(', ')})`);
        assert.equal(printed.at(-1), c.steps, `${c.label.arm}: its last step is printed`);
        assert.deepEqual(
          printed,
          [...printed].sort((a, b) => a - b),
          'in step order',
        );
      }
    }),
  );
});
