/**
 * Steps per second over a run's most recent steps, for its progress line. A cell's rate changes when
 * other work starts or stops beside it: a CI run on the same two cores once halved a campaign cell's
 * rate for ten minutes, and the average since the cell's start then showed 1,800 tokens/s and an
 * ETA of 48 minutes while it was running at 2,800 (26 minutes left).
 */
export class StepRate {
  /** End times (ms) of the last `window` steps, after the time the first step started. */
  private readonly times: number[];

  constructor(
    private readonly window: number,
    startMs: number,
  ) {
    if (!Number.isInteger(window) || window < 1) throw new Error(`StepRate: window must be a positive integer, got ${window}.`);
    this.times = [startMs];
  }

  /** The window for a run of `steps` steps: a twentieth of it, at least 8 and at most 200 steps. */
  static windowFor(steps: number): number {
    return Math.max(8, Math.min(200, Math.round(steps / 20)));
  }

  /** Records a step that ended at `nowMs`; returns steps per second over the last `window` steps (all of them until there are that many). */
  step(nowMs: number): number {
    this.times.push(nowMs);
    if (this.times.length > this.window + 1) this.times.shift();
    return (this.times.length - 1) / ((nowMs - this.times[0]) / 1000);
  }
}
