import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES, claimGates, resolveArm, trainTokens } from '@labbench/core';
import { uniattnStudy } from '../src/studies.js';

// What decides the windows an arm trains on and the steps it takes: the runner builds the training
// stream from (tokenizer, mixture, token budget of stepsFraction, seed) and the budget from
// stepsFraction and the train overrides; the source cell comes from initFrom.
function streamKey(armId: string) {
  const arm = resolveArm(uniattnStudy, armId);
  return JSON.stringify({
    tokenizer: arm.tokenizer,
    tokenizerConfig: arm.tokenizerConfig,
    mixture: arm.mixture,
    stepsFraction: arm.stepsFraction ?? 1,
    train: arm.train,
    initFrom: arm.initFrom,
    loss: arm.loss,
  });
}

test('uniattn study: every post-training arm sees the same stream, windows and step count (v1 gave UniAttn twice the steps on a longer stream)', () => {
  const post = Object.keys(uniattnStudy.arms).filter((id) => resolveArm(uniattnStudy, id).initFrom === 'pretrain');
  assert.deepEqual(post.sort(), ['cla', 'drop', 'plain', 'softmax', 'uniattn']);
  const keys = new Set(post.map(streamKey));
  assert.equal(keys.size, 1, [...keys].join('\n'));
  for (const profile of [PROFILES.smoke, PROFILES.quick, PROFILES.full]) {
    const steps = new Set(post.map((id) => Math.round(profile.steps * (resolveArm(uniattnStudy, id).stepsFraction ?? 1))));
    const tokens = new Set(post.map((id) => trainTokens(profile, resolveArm(uniattnStudy, id).stepsFraction ?? 1)));
    assert.equal(steps.size, 1, `${profile.name}: steps ${[...steps]}`);
    assert.equal(tokens.size, 1, `${profile.name}: tokens ${[...tokens]}`);
  }
});

test('uniattn study: claims name arms of the study, exactly one headline, and every gate a claim needs exists', () => {
  const arms = new Set(Object.keys(uniattnStudy.arms));
  const claims = uniattnStudy.claims ?? [];
  assert.equal(claims.filter((c) => c.role === 'headline').length, 1);
  for (const c of claims) {
    assert.ok(arms.has(c.method) && arms.has(c.baseline), c.id);
    assert.deepEqual(claimGates(uniattnStudy, c).unknown, [], c.id);
  }
  for (const g of uniattnStudy.gates ?? []) {
    assert.ok(arms.has(g.arm), g.id);
    if (g.kind === 'margin') assert.ok(arms.has(g.than), g.id);
  }
});
