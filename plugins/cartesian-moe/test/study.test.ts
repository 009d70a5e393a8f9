import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimGates } from '@labbench/core';
import { cartesianStudy } from '../src/index.js';

test("cartesian-moe study: claims and gates name the study's arms (knock-out arms included), one headline, log scale for perplexity and ratios, the paper's figure on each", () => {
  const arms = new Set([...Object.keys(cartesianStudy.arms), ...(cartesianStudy.knockouts ?? []).map((k) => `knockout-${k.component}`)]);
  const claims = cartesianStudy.claims ?? [];
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  for (const c of claims) {
    assert.ok(arms.has(c.method) && arms.has(c.baseline), c.id);
    assert.deepEqual(claimGates(cartesianStudy, c).unknown, [], c.id);
    assert.equal(c.scale, 'log', c.id);
    assert.match(c.paper.source, /Table \d/, c.id);
    assert.ok(c.paper.effect !== undefined && c.paper.effect < 0, `${c.id}: the paper's effect (ln method / baseline) is negative`);
  }
  for (const g of cartesianStudy.gates ?? []) assert.ok(arms.has(g.arm) && (g.kind !== 'margin' || arms.has(g.than)), g.id);
});
