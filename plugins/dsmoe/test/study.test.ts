import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimGates } from '@labbench/core';
import { dsmoeStudy } from '../src/index.js';

test("dsmoe study: one headline, the STE ablation registered with the paper's 7.41 vs 12.75, every gate known, every compared gated arm held at 3 of 8", () => {
  const claims = dsmoeStudy.claims ?? [];
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  const ste = claims.find((c) => c.method === 'dsmoe' && c.baseline === 'dsmoe-no-ste');
  assert.ok(ste && ste.scale === 'log' && Math.abs(ste.paper.effect! - Math.log(7.41 / 12.75)) < 1e-3);
  const bounds = new Map((dsmoeStudy.gates ?? []).filter((g) => g.kind === 'bound').map((g) => [g.arm, g]));
  for (const c of claims) {
    assert.ok(c.method in dsmoeStudy.arms && c.baseline in dsmoeStudy.arms, c.id);
    assert.deepEqual(claimGates(dsmoeStudy, c).unknown, [], c.id);
    const named = new Set(claimGates(dsmoeStudy, c).gates.map((g) => g.id));
    for (const arm of [c.method, c.baseline]) {
      const gate = bounds.get(arm);
      if (gate) assert.ok(named.has(gate.id), `${c.id}: ${arm} must be held at 3 of 8`);
    }
  }
  for (const g of bounds.values()) assert.ok(g.kind === 'bound' && g.atLeast === 2.9 && g.atMost === 3.1, g.id);
});
