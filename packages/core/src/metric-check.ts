import type { MetricRecord } from './contracts/evaluator.js';
import { boardIdProblem } from './contracts/board.js';
import { ContractError } from './errors.js';

const METRIC_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@%+-]{0,199}$/;
const DIRECTIONS = new Set(['higher', 'lower', 'none']);
const MAX_DETAILS_BYTES = 4_000_000;

/**
 * Checks what an evaluator returned before any of it is kept: a list of metric records with a
 * registered board (`registered`, the ids of Registry.boards(); any well-formed id when absent), a plain metric name, a finite value, a direction and a sample count. A NaN or an
 * infinity fails the cell with a sentence naming the evaluator and the metric, instead of being
 * dropped without a word or refused later by `publish`.
 */
export function checkMetrics(out: unknown, where: string, registered?: ReadonlySet<string>): asserts out is MetricRecord[] {
  const fix = 'Fix the evaluator: return finite numbers in the MetricRecord shape (see @labbench/core contracts).';
  if (!Array.isArray(out)) throw new ContractError(where, `evaluate() returned ${describe(out)}, not a list of metric records.`, fix);
  out.forEach((m: unknown, i) => {
    const at = `${where} › metric ${i}`;
    if (m === null || typeof m !== 'object') throw new ContractError(at, `is ${describe(m)}, not a metric record.`, fix);
    const r = m as Record<string, unknown>;
    const name = typeof r.metric === 'string' ? r.metric : undefined;
    const label = name ? `${at} '${name}'` : at;
    if (!name || !METRIC_NAME.test(name)) throw new ContractError(label, `metric name ${JSON.stringify(r.metric)} is not a plain name (letters, digits and _ . @ % + -).`, fix);
    const boardProblem = boardIdProblem(r.board);
    if (boardProblem) throw new ContractError(label, `${boardProblem}.`, fix);
    if (registered && !registered.has(r.board as string)) {
      throw new ContractError(label, `board '${r.board as string}' is not registered by any installed plugin (registered: ${[...registered].sort().join(', ') || 'none'}).`, "Write to a registered board, or register this one in the evaluator's plugin: definePlugin({ boards: [defineBoard({ ... })] }).");
    }
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) throw new ContractError(label, `value is ${describe(r.value)}; metrics must be finite numbers.`, fix);
    if (!DIRECTIONS.has(r.direction as string)) throw new ContractError(label, `direction ${JSON.stringify(r.direction)} is not higher, lower or none.`, fix);
    if (typeof r.n !== 'number' || !Number.isFinite(r.n) || r.n < 0) throw new ContractError(label, `sample count n is ${describe(r.n)}; it must be a finite number >= 0.`, fix);
    if (r.stderr !== undefined && (typeof r.stderr !== 'number' || Number.isNaN(r.stderr))) throw new ContractError(label, `stderr is ${describe(r.stderr)}.`, fix);
    if (r.details !== undefined) {
      if (r.details === null || typeof r.details !== 'object' || Array.isArray(r.details)) throw new ContractError(label, `details is ${describe(r.details)}, not an object.`, fix);
      let text: string;
      try {
        text = JSON.stringify(r.details);
      } catch (error) {
        throw new ContractError(label, `details is not JSON (${(error as Error).message}).`, fix);
      }
      if (text.length > MAX_DETAILS_BYTES) throw new ContractError(label, `details is ${text.length} bytes of JSON; the limit is ${MAX_DETAILS_BYTES}.`, fix);
    }
  });
}

function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
