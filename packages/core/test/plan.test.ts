import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, ContractError, PROFILES, Registry, definePlugin, defineStudy, planStudies, shardCells, type LanguageModel, type Profile, type ModelFactory, type StudyDefinition } from '../src/index.js';
import { assignShards, shardCount, shardGroups, trainedWith, type ShardGroup } from '../src/plan.js';
import { EVAL_INEFFICIENCY } from '../src/plan-cost.js';

const origin = (name: string) => ({ packageName: name, version: '1.0.0', dir: `plugins/${name}`, entry: `/plugins/${name}/src/index.ts`, manifest: { id: name, kinds: ['model' as const] } });

/** A model whose FLOPs per token are its `width`, so costs are known exactly. */
const fakeModel = (id: string, withKnockout: boolean): ModelFactory => ({
  id, kind: 'causal', description: 'fake', defaults: {},
  configSchema: { type: 'object', properties: { width: { type: 'integer', minimum: 1 }, noAttention: { type: 'array' } } },
  create(config) {
    const width = Number((config as { width?: number }).width ?? 10);
    return { kind: 'causal', config, variables: [], forward: () => { throw new Error('no'); }, params: () => ({ total: width, active: width }), flopsPerToken: () => ({ train: 3 * width, inference: width }), dispose() {} } as unknown as LanguageModel;
  },
  ...(withKnockout ? {
    knockout(component: string, config: Readonly<Record<string, unknown>>, layers?: readonly number[]) {
      if (component === 'ffn') return { ...config, width: 1 };
      if (component === 'attention') return { ...config, noAttention: layers ?? [0] };
      throw new ContractError(`model '${id}'`, `cannot knock out '${component}'.`, 'Use ffn or attention.');
    },
  } : {}),
});
const evaluator = (id: string, boards = ['ppl']) => ({ id, description: id, boards, requires: 'any' as const, evaluate: async () => [] });
const base = {
  version: 1, title: 't', claim: 'c', shared: { model: 'm', tokenizer: 'tok', loss: 'ce' }, evaluators: ['perplexity'],
} as const;
const study = defineStudy({
  ...base, id: 'alpha', baseline: 'b',
  arms: { a: { modelConfig: { width: 20 } }, b: {}, c: { initFrom: 'b' }, extra: {} },
  claims: [{ id: 'c-beats-b', text: 'c beats b', role: 'headline', board: 'ppl', metric: 'x', method: 'c', baseline: 'b', paper: { figure: '1 vs 2', source: 'T1' } }],
  knockouts: [{ component: 'ffn' }, { component: 'attention', arm: 'a', layers: [1] }],
});

function registry(studies: StudyDefinition[], options: { references?: boolean; knockout?: boolean } = {}): Registry {
  const plugin = definePlugin({
    id: 'p', models: [fakeModel('m', options.knockout ?? true), fakeModel('tokless', false)],
    tokenizers: [{ id: 'tok' } as never], losses: [{ id: 'ce' } as never],
    evaluators: [evaluator('perplexity'), evaluator('downstream', ['downstream']), ...(options.references ?? true ? [evaluator('reference-lm')] : [])], studies,
  });
  return new Registry([{ plugin, origin: origin('p') }]);
}

test('planStudies: reference arms copy the baseline\'s tokenizer and data, with the reference evaluator and the budget', () => {
  const cells = planStudies(registry([study]), ['alpha'], PROFILES.smoke, 1);
  assert.deepEqual(cells.map((c) => c.armId), ['a', 'b', 'c', 'extra', 'ref-unigram', 'ref-bigram', 'knockout-ffn', 'knockout-attention']);
  const ref = cells.find((c) => c.armId === 'ref-bigram')!;
  assert.equal(ref.arm.model, 'none');
  assert.equal(ref.arm.tokenizer, 'tok');
  assert.equal(ref.role, 'reference');
  assert.deepEqual(ref.evaluators, [{ id: 'reference-lm', options: { model: 'bigram', trainTokens: 12 * 4 * 32 } }]);
});

test('planStudies: knock-out arms copy their source with the factory\'s config, from scratch, with the study\'s evaluators', () => {
  const cells = planStudies(registry([study]), ['alpha'], PROFILES.smoke, 1);
  const ffn = cells.find((c) => c.armId === 'knockout-ffn')!;
  assert.deepEqual(ffn.arm.modelConfig, { width: 1 });
  assert.equal(ffn.role, 'knockout');
  assert.deepEqual(ffn.evaluators, [{ id: 'perplexity' }]);
  const attention = cells.find((c) => c.armId === 'knockout-attention')!;
  assert.deepEqual(attention.arm.modelConfig, { width: 20, noAttention: [1] });
  const knockC = planStudies(registry([{ ...study, id: 'beta', knockouts: [{ component: 'ffn', arm: 'c' }] }]), ['beta'], PROFILES.smoke, 1).find((c) => c.armId === 'knockout-ffn')!;
  assert.equal(knockC.arm.initFrom, undefined);
});

test('planStudies: under knockoutEvaluators gates, a knock-out runs only the evaluators of the boards its gates and claims read; with no reader, all of the study\'s', () => {
  const gatesOnly = { ...PROFILES.smoke, knockoutEvaluators: 'gates' } as const;
  const evaluatorsOf = (s: StudyDefinition, arm: string, profile: Profile = gatesOnly) => planStudies(registry([s]), [s.id], profile, 1).find((c) => c.armId === arm)!.evaluators.map((e) => e.id);
  const both = { ...study, evaluators: ['perplexity', 'downstream'] } as StudyDefinition;
  // the default profile saves them; the campaign evaluates knock-outs fully, as it was pre-registered
  assert.equal(PROFILES.quick.knockoutEvaluators, 'gates');
  assert.equal(PROFILES.campaign.knockoutEvaluators, undefined);
  assert.deepEqual(evaluatorsOf(both, 'knockout-ffn', PROFILES.smoke), ['perplexity', 'downstream']);
  // core's default gate knockout-ffn-matters reads the ppl board: perplexity only
  assert.deepEqual(evaluatorsOf(both, 'knockout-ffn'), ['perplexity']);
  assert.deepEqual(evaluatorsOf(both, 'b'), ['perplexity', 'downstream']); // the arms themselves keep every evaluator
  // a claim on the knocked-out arm adds its board
  const claimed = { ...both, claims: [...both.claims!, { id: 'k', text: 'k', role: 'secondary', board: 'downstream', metric: 'x', method: 'b', baseline: 'knockout-ffn', paper: { figure: '-', source: '-' } }] } as StudyDefinition;
  assert.deepEqual(evaluatorsOf(claimed, 'knockout-ffn'), ['perplexity', 'downstream']);
  // without the perplexity evaluator there is no default gate: nothing reads the knock-out, so it runs everything
  assert.deepEqual(evaluatorsOf({ ...study, evaluators: ['downstream'] } as StudyDefinition, 'knockout-ffn'), ['downstream']);
});

test('planStudies: references: false, no causal arm, or no reference evaluator installed add no reference arms', () => {
  const ids = (r: Registry, id: string) => planStudies(r, [id], PROFILES.smoke, 1).map((c) => c.armId);
  assert.ok(!ids(registry([{ ...study, references: false }]), 'alpha').includes('ref-unigram'));
  assert.ok(!ids(registry([study], { references: false }), 'alpha').includes('ref-unigram'));
  const tokOnly = defineStudy({ ...base, id: 'toks', shared: { ...base.shared, model: 'none' }, arms: { x: {} } });
  assert.deepEqual(ids(registry([tokOnly]), 'toks'), ['x']);
});

test('planStudies: bad knock-outs and reference arms are named errors before anything runs', () => {
  assert.throws(() => planStudies(registry([study], { knockout: false }), ['alpha'], PROFILES.smoke, 1), (e: unknown) => e instanceof ContractError && /model 'm'/.test(e.message) && /'ffn'/.test(e.message));
  assert.throws(() => planStudies(registry([{ ...study, knockouts: [{ component: 'routing' }] }]), ['alpha'], PROFILES.smoke, 1), (e: unknown) => e instanceof ContractError && /'routing'/.test(e.message));
  assert.throws(() => planStudies(registry([{ ...study, knockouts: [{ component: 'ffn', arm: 'nope' }] }]), ['alpha'], PROFILES.smoke, 1), (e: unknown) => e instanceof ConfigError && /knockouts\.0\.arm/.test(e.message));
  assert.throws(() => planStudies(registry([{ ...study, references: { arm: 'zz' } }]), ['alpha'], PROFILES.smoke, 1), (e: unknown) => e instanceof ConfigError && /references\.arm/.test(e.message));
  assert.throws(() => planStudies(registry([{ ...study, arms: { ...study.arms, 'ref-bigram': {} } }]), ['alpha'], PROFILES.smoke, 1), (e: unknown) => e instanceof ConfigError && /reserved/.test(e.message));
});

test('planStudies: a claims campaign keeps the claim, gate, reference and knock-out arms and their sources only', () => {
  const campaign = { ...PROFILES.smoke, arms: 'claims' as const };
  const gated = { ...study, gates: [{ id: 'g', text: 'g', kind: 'bound' as const, board: 'ppl', metric: 'x', arm: 'a', atMost: 3 }] };
  const arms = (s: StudyDefinition) => planStudies(registry([s]), [s.id], campaign, 1).map((c) => c.armId);
  assert.deepEqual(arms(study), ['a', 'b', 'c', 'ref-unigram', 'ref-bigram', 'knockout-ffn', 'knockout-attention']); // a: knock-out source
  assert.deepEqual(arms({ ...study, knockouts: [] }), ['b', 'c', 'ref-unigram', 'ref-bigram']);
  assert.deepEqual(arms({ ...gated, knockouts: [] }), ['a', 'b', 'c', 'ref-unigram', 'ref-bigram']);
  // c converts b: claiming only c keeps b as its source
  assert.deepEqual(arms({ ...study, baseline: 'extra', knockouts: [], references: false, claims: [{ ...study.claims![0], method: 'c', baseline: 'c' }] }), ['b', 'c']);
  assert.deepEqual(arms({ ...study, claims: [] }), []);
});

test('estimate: a cell\'s cost is tokens x training FLOPs plus its evaluation; reference cells cost little', () => {
  const cells = planStudies(registry([study]), ['alpha'], PROFILES.smoke, 1);
  const a = cells.find((c) => c.armId === 'a')!.estimate();
  assert.equal(a.tokens, 12 * 4 * 32);
  assert.deepEqual(a.flopsPerToken, { train: 60, inference: 20 });
  assert.ok(a.cost > a.tokens * 60);
  const ref = cells.find((c) => c.armId === 'ref-unigram')!.estimate();
  assert.equal(ref.params.total, 0);
  assert.ok(ref.cost > 0);
});

test('estimate: evaluation is bounded by the text a profile allows (maxChars per domain), not multiplied by its document count', () => {
  // maxChars caps each domain's total (fairShare), so 400 documents read no more text than 6 do;
  // the old formula multiplied the two and planned 39.8 hours for a 15-minute campaign cell
  const few = { ...PROFILES.campaign, eval: { ...PROFILES.campaign.eval, documents: 6 } };
  const [a, b] = [few, PROFILES.campaign].map((p) => planStudies(registry([study]), ['alpha'], p, 1).find((c) => c.armId === 'a')!.estimate());
  assert.equal(a.evalTokens, b.evalTokens);
  assert.ok(b.evalTokens <= study.evaluators.length * 2 * PROFILES.campaign.eval.maxChars, `${b.evalTokens} tokens for ${PROFILES.campaign.eval.maxChars} characters per domain`);
});

test('estimate: an evaluator\'s declared work (a study in itself) is priced like training and scoring, with the cell\'s numbers and its options', () => {
  const seen: unknown[] = [];
  fc.assert(fc.property(fc.nat(50), fc.nat(1_000_000), (trainMultiple, inferenceTokens) => {
    const heavy = { ...evaluator('heavy'), work: (input: { trainTokens: number; options: Readonly<Record<string, unknown>> }) => {
      seen.push(input.options);
      return { trainTokens: trainMultiple * input.trainTokens, inferenceTokens };
    } };
    const withHeavy = defineStudy({ ...study, id: 'beta', evaluators: ['perplexity', { id: 'heavy', options: { k: 2 } }] });
    const plugin = definePlugin({ id: 'p', models: [fakeModel('m', true)], tokenizers: [{ id: 'tok' } as never], losses: [{ id: 'ce' } as never], evaluators: [evaluator('perplexity'), heavy], studies: [study, withHeavy] });
    const reg = new Registry([{ plugin, origin: origin('p') }]);
    const [plain, priced] = ['alpha', 'beta'].map((id) => planStudies(reg, [id], PROFILES.smoke, 1).find((c) => c.armId === 'a')!.estimate());
    const expected = trainMultiple * plain.tokens * plain.flopsPerToken.train + EVAL_INEFFICIENCY * inferenceTokens * plain.flopsPerToken.inference;
    // the fake evaluator scores like perplexity (one more evaluator's text) on top of its work
    const scoring = priced.evalTokens - plain.evalTokens;
    assert.equal(priced.trainCost, plain.trainCost);
    assert.ok(Math.abs(priced.evalCost - plain.evalCost - expected - EVAL_INEFFICIENCY * scoring * plain.flopsPerToken.inference) <= 1e-6 * priced.evalCost);
  }), { verbose: true });
  assert.deepEqual(seen[0], { k: 2 });
});

const groupsArb = fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 6 }), cost: fc.integer({ min: 1, max: 1000 }) }), { selector: (g) => g.key, minLength: 1, maxLength: 30 });

test('assignShards: for any groups and shard count, every group lands in exactly one shard and no shard exceeds the LPT bound', () => {
  fc.assert(fc.property(groupsArb, fc.integer({ min: 1, max: 8 }), (raw, count) => {
    const groups: ShardGroup[] = raw.map((g) => ({ ...g, cells: [] }));
    const shards = assignShards(groups, count);
    assert.equal(shards.length, count);
    assert.deepEqual(shards.flat().map((g) => g.key).sort(), groups.map((g) => g.key).sort());
    // Greedy LPT: the fullest shard is at most the mean load plus the largest group.
    const loads = shards.map((s) => s.reduce((a, g) => a + g.cost, 0));
    const total = loads.reduce((a, b) => a + b, 0);
    assert.ok(Math.max(...loads) <= total / count + Math.max(...groups.map((g) => g.cost)) + 1e-9);
    // deterministic whatever the input order
    assert.deepEqual(assignShards([...groups].reverse(), count).map((s) => s.map((g) => g.key)), shards.map((s) => s.map((g) => g.key)));
  }));
});

test('shardCount: the fewest shards that fit the target, never an empty one, a group larger than the target with at most 5% of it beside it', () => {
  // zero-cost groups are the count-model references, which cost (almost) nothing
  const costs = fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 6 }), cost: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })) }), { selector: (g) => g.key, maxLength: 30 });
  fc.assert(fc.property(costs, fc.integer({ min: 1, max: 2000 }), (raw, target) => {
    const groups: ShardGroup[] = raw.map((g) => ({ ...g, cells: [] }));
    const count = shardCount(groups, target);
    const paid = groups.filter((g) => g.cost > 0).length;
    assert.ok(count >= 1 && count <= Math.max(1, paid), `${count} shards for ${paid} groups that cost something`);
    const loadOf = (shard: readonly ShardGroup[]) => shard.reduce((a, g) => a + g.cost, 0);
    const fits = (shard: readonly ShardGroup[]) => loadOf(shard) <= 1.05 * Math.max(target, ...shard.map((g) => g.cost));
    const shards = assignShards(groups, count);
    if (groups.length > 0) assert.ok(shards.every((s) => s.length > 0), 'no empty shard');
    for (const shard of shards) {
      const largest = Math.max(0, ...shard.map((g) => g.cost));
      if (largest > target) assert.ok(loadOf(shard) - largest <= 0.05 * largest, 'a group over the target has at most 5% of its cost beside it');
      else assert.ok(loadOf(shard) <= 1.05 * target, 'a shard of groups within the target fits it');
    }
    if (count > 1) assert.ok(!assignShards(groups, count - 1).every(fits), 'one shard fewer would not fit');
  }));
});

test('shardCells: arms joined by initFrom stay together, independent arms are groups of their own, the shards partition the plan', () => {
  const cells = planStudies(registry([study, { ...study, id: 'beta' }]), [], PROFILES.smoke, 3);
  const parts = [1, 2, 3, 4].map((index) => shardCells(cells, { index, count: 4 }));
  assert.equal(parts.flat().length, cells.length);
  assert.equal(new Set(parts.flat()).size, cells.length);
  for (const part of parts) {
    for (const c of part.filter((x) => x.armId === 'c')) assert.ok(part.some((o) => o.study === c.study && o.seed === c.seed && o.armId === 'b'), 'c converts b');
  }
  // per seed: arms that train the same thing share a group across studies (b and extra are both {},
  // beta copies alpha): {b, c, extra} of both studies, a, two knock-outs, and each study's two references
  assert.equal(shardGroups(cells).length, 3 * (1 + 1 + 2 + 2 * 2));
});

test('shared training: a model two cells train is trained by the first, costed once, and kept in its shard', () => {
  const cells = planStudies(registry([study, { ...study, id: 'beta' }]), [], PROFILES.smoke, 2);
  const trainer = trainedWith(cells);
  for (const [cell, first] of trainer) {
    assert.equal(cell.trainingIdentity, first.trainingIdentity);
    assert.ok(cells.indexOf(first) < cells.indexOf(cell), 'the trainer comes first in plan order');
    assert.notEqual(cell.arm.model, 'none');
  }
  const beta = cells.find((c) => c.study.id === 'beta' && c.armId === 'a' && c.seed === 1)!;
  assert.equal(trainer.get(beta)?.study.id, 'alpha');
  assert.equal(trainer.has(cells.find((c) => c.study.id === 'alpha' && c.armId === 'a' && c.seed === 1)!), false);
  // seeds never share: the identity includes the seed
  assert.ok(cells.every((c) => trainer.get(c) === undefined || trainer.get(c)!.seed === c.seed));
  // group costs count each training once
  const groups = shardGroups(cells);
  const distinct = new Map(cells.filter((c) => !trainer.has(c)).map((c) => [c, c.estimate().cost]));
  const expected = [...distinct.values()].reduce((a, b) => a + b, 0) + [...trainer.keys()].reduce((a, c) => a + c.estimate().evalCost, 0);
  assert.equal(groups.reduce((a, g) => a + g.cost, 0), expected);
  for (const g of groups) for (const c of g.cells) if (trainer.has(c)) assert.ok(g.cells.includes(trainer.get(c)!));
  // a different model config is a different training
  const other = planStudies(registry([study, { ...study, id: 'beta', arms: { ...study.arms, a: { modelConfig: { width: 21 } } } }]), [], PROFILES.smoke, 1);
  assert.equal(trainedWith(other).has(other.find((c) => c.study.id === 'beta' && c.armId === 'a')!), false);
});

test('planStudies: without a language-model baseline the references follow the first language-model arm', () => {
  const s = defineStudy({ ...base, id: 'mixed', baseline: 'tokonly', arms: { tokonly: { model: 'none' }, lm: { tokenizerConfig: { vocabSize: 512 } } } });
  const ref = planStudies(registry([s]), ['mixed'], PROFILES.smoke, 1).find((c) => c.armId === 'ref-unigram')!;
  assert.deepEqual(ref.arm.tokenizerConfig, { vocabSize: 512 });
});
