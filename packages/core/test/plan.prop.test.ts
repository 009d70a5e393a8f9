import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PROFILES, Registry, definePlugin, planStudies, shardCells, type LanguageModel, type ModelFactory, type StudyDefinition } from '../src/index.js';

const model: ModelFactory = {
  id: 'm', kind: 'causal', description: 'fake', defaults: {},
  create: () => ({ params: () => ({ total: 1, active: 1 }), flopsPerToken: () => ({ train: 3, inference: 1 }), dispose() {} }) as unknown as LanguageModel,
  knockout: (_c, config) => ({ ...config }),
};
const evaluator = (id: string) => ({ id, description: id, boards: ['ppl' as const], requires: 'any' as const, evaluate: async () => [] });

/** A study of n arms where arm i may convert an earlier arm, with claims between random arms. */
const studies = fc.integer({ min: 1, max: 7 }).chain((n) => fc.record({
  sources: fc.array(fc.option(fc.nat(), { nil: undefined }), { minLength: n, maxLength: n }),
  claims: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 }),
  knockout: fc.option(fc.nat(n - 1), { nil: undefined }),
})).map(({ sources, claims, knockout }): StudyDefinition => {
  const arms = Object.fromEntries(sources.map((s, i) => [`a${i}`, s === undefined || i === 0 ? {} : { initFrom: `a${s % i}` }]));
  return {
    id: 'prop', version: 1, title: 't', claim: 'c', shared: { model: 'm', tokenizer: 'tok', loss: 'ce' }, arms, baseline: 'a0', evaluators: ['ppl'],
    claims: claims.map(([m, b], i) => ({ id: `c${i}`, text: 't', role: i === 0 ? 'headline' : 'secondary', board: 'ppl', metric: 'x', method: `a${m}`, baseline: `a${b}`, paper: { figure: 'f', source: 's' } })),
    ...(knockout !== undefined ? { knockouts: [{ component: 'ffn', arm: `a${knockout}` }] } : {}),
  } as StudyDefinition;
});

const registryOf = (study: StudyDefinition) => new Registry([{
  plugin: definePlugin({ id: 'p', models: [model], tokenizers: [{ id: 'tok' } as never], losses: [{ id: 'ce' } as never], evaluators: [evaluator('ppl'), evaluator('reference-lm')], studies: [study] }),
  origin: { packageName: 'p', version: '1.0.0', dir: 'plugins/p', entry: '/plugins/p/src/index.ts', manifest: { id: 'p', kinds: ['model'] } },
}]);

test('planStudies (claims campaign): for any study, claim arms are kept and every kept arm finds its initFrom source', () => {
  fc.assert(fc.property(studies, (study) => {
    const cells = planStudies(registryOf(study), ['prop'], { ...PROFILES.smoke, arms: 'claims' }, 1);
    const kept = new Set(cells.map((c) => c.armId));
    for (const c of study.claims ?? []) assert.ok(kept.has(c.method) && kept.has(c.baseline));
    for (const c of cells) if (c.arm.initFrom) assert.ok(kept.has(c.arm.initFrom), `${c.armId} needs ${c.arm.initFrom}`);
    if ((study.claims ?? []).length > 0) assert.ok(kept.has('ref-bigram') && kept.has('a0'), 'references and their source');
    const all = planStudies(registryOf(study), ['prop'], PROFILES.smoke, 1).map((c) => c.armId);
    assert.deepEqual(cells.map((c) => c.armId), all.filter((a) => kept.has(a)), 'plan order is kept');
  }));
});

test('shardCells: for any study, seeds and shard count, the shards partition the plan and a converted arm runs with its source', () => {
  fc.assert(fc.property(studies, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), (study, seeds, count) => {
    const cells = planStudies(registryOf(study), ['prop'], PROFILES.smoke, seeds);
    const shards = Array.from({ length: count }, (_, i) => shardCells(cells, { index: i + 1, count }));
    assert.equal(shards.flat().length, cells.length);
    assert.equal(new Set(shards.flat()).size, cells.length);
    for (const shard of shards) {
      for (const c of shard) if (c.arm.initFrom) assert.ok(shard.some((o) => o.seed === c.seed && o.armId === c.arm.initFrom), `${c.armId}/${c.seed} without ${c.arm.initFrom}`);
    }
  }));
});
