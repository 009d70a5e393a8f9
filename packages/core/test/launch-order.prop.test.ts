/**
 * The order `runStudies` launches cells in: costliest first (so short cells fill the end of a
 * multi-worker run), a conversion chain's source before the cells converted from it, and every
 * cell exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PlannedCell } from '../src/index.js';
import { launchOrder } from '../src/runner.js';

/** Cells of one study at one seed; arm i converts arm from[i] (an earlier arm) or none. */
function cells(costs: readonly number[], from: readonly (number | null)[]): PlannedCell[] {
  return costs.map((cost, i) => ({
    study: { id: 's' }, armId: `a${i}`, seed: 0,
    arm: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy', ...(from[i] !== null ? { initFrom: `a${from[i]}` } : {}) },
    estimate: () => ({ cost }),
  }) as unknown as PlannedCell);
}

const plans = fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(
  fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })), { minLength: n, maxLength: n }),
  fc.tuple(...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant(null) : fc.option(fc.nat(i - 1), { nil: null })))),
));

test('launchOrder: a permutation; sources before their conversions; without conversions, cost never increases', () => {
  fc.assert(fc.property(plans, ([costs, from]) => {
    const order = launchOrder(cells(costs, from));
    assert.deepEqual([...order].sort((a, b) => a - b), costs.map((_, i) => i));
    const position = new Map(order.map((cell, at) => [cell, at]));
    for (const [i, f] of from.entries()) if (f !== null) assert.ok(position.get(f)! < position.get(i)!, `source a${f} before a${i}`);
    const independent = launchOrder(cells(costs, costs.map(() => null)));
    for (let k = 1; k < independent.length; k++) assert.ok(costs[independent[k - 1]] >= costs[independent[k]]);
  }));
});

test('launchOrder: a cell whose estimate throws keeps its plan position among the zero-cost cells', () => {
  const list = cells([5, 0, 9], [null, null, null]);
  (list[1] as { estimate: () => unknown }).estimate = () => { throw new Error('no model'); };
  assert.deepEqual(launchOrder(list), [2, 0, 1]);
});
