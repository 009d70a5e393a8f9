import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, DataError, Registry, Rng, analysisPlan, definePlugin, defineStudy, matchesRegistration, nextRegistration, parsePreregistration, planChanges, planHash, preregistration, preregistrationState, type LanguageModel, type ModelFactory, type StudyDefinition } from '../src/index.js';

const origin = (name: string) => ({ packageName: name, version: '1.0.0', dir: `plugins/${name}`, entry: `/plugins/${name}/src/index.ts`, manifest: { id: name, kinds: ['model' as const] } });
const model: ModelFactory = {
  id: 'm', kind: 'causal', description: 'fake', defaults: {},
  configSchema: { type: 'object', properties: { width: { type: 'integer', minimum: 1 } } },
  create: () => ({ params: () => ({ total: 1, active: 1 }), flopsPerToken: () => ({ train: 3, inference: 1 }), dispose() {} }) as unknown as LanguageModel,
  knockout: (_component, config) => ({ ...config, width: 1 }),
};
const evaluator = (id: string) => ({ id, description: id, boards: ['ppl' as const], requires: 'any' as const, evaluate: async () => [] });

const study = defineStudy({
  id: 'alpha', version: 2, title: 't', claim: 'c', baseline: 'b', evaluators: ['perplexity'],
  shared: { model: 'm', tokenizer: 'tok', loss: 'ce' },
  arms: { a: { modelConfig: { width: 20 } }, b: {} },
  claims: [
    { id: 'a-beats-b', text: 'a beats b', role: 'headline', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'a', baseline: 'b', paper: { figure: '1 vs 2', source: 'Table 1' } },
    { id: 'a-wide', text: 'a is wide', role: 'secondary', board: 'ppl', metric: 'id.all.token_ppl', method: 'a', baseline: 'b', scale: 'log', gates: ['router-entropy'], paper: { figure: '3', source: 'Fig. 2' } },
  ],
  gates: [{ id: 'router-entropy', text: 'the router is not collapsed', kind: 'bound', board: 'routing', metric: 'entropy', arm: 'a', atLeast: 0.5 }],
  knockouts: [{ component: 'ffn' }],
});

function registry(studies: StudyDefinition[]): Registry {
  const plugin = definePlugin({ id: 'p', models: [model], tokenizers: [{ id: 'tok' } as never], losses: [{ id: 'ce' } as never], evaluators: [evaluator('perplexity'), evaluator('reference-lm')], studies });
  return new Registry([{ plugin, origin: origin('p') }]);
}
const planOf = (s: StudyDefinition, commit = 'c0ffee') => analysisPlan(registry([s]), s, { profile: 'smoke', commit });
const withGate = (s: StudyDefinition, atLeast: number): StudyDefinition => ({ ...s, gates: [{ ...s.gates![0], atLeast } as never] });

/** A deep copy with every object's keys in a random order (arrays keep theirs: their order means something). */
function shuffleKeys(value: unknown, rng: Rng): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rng));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  return Object.fromEntries(keys.map((k) => [k, shuffleKeys((value as Record<string, unknown>)[k], rng)]));
}

test('analysisPlan: claims, resolved gates (core defaults included), planned arms (references, knock-outs) and the analysis settings', () => {
  const plan = planOf(study);
  assert.deepEqual(plan.claims.map((c) => [c.id, c.baselineMetric, c.scale, c.gates.join('+')]), [
    ['a-beats-b', 'id.all.bits_per_byte', 'linear', 'router-entropy+beats-bigram+knockout-ffn-matters'],
    ['a-wide', 'id.all.token_ppl', 'log', 'router-entropy'],
  ]);
  assert.deepEqual(plan.gates.map((g) => `${g.id}:${g.kind === 'margin' ? g.atLeast : g.atLeast}`), ['router-entropy:0.5', 'beats-bigram:0.15', 'knockout-ffn-matters:0.1']);
  assert.deepEqual(plan.arms.map((a) => `${a.id}/${a.role}`), ['a/study', 'b/study', 'ref-bigram/reference', 'ref-unigram/reference', 'knockout-ffn/knockout']);
  assert.equal(plan.analysis.alpha, 0.05);
  assert.equal(plan.analysis.sequential, null);
  assert.equal(plan.profile.name, 'smoke');
  assert.equal('description' in plan.profile, false);
});

test('planHash: for any gate threshold other than the registered one, the hash changes and the change names the gate', () => {
  const registered = planOf(study);
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => x !== 0.5 && !Object.is(x, -0)), (atLeast) => {
    const now = planOf(withGate(study, atLeast));
    assert.notEqual(planHash(now), planHash(registered));
    assert.deepEqual(planChanges(registered, now), [`gate 'router-entropy': atLeast 0.5 → ${JSON.stringify(atLeast)}`]);
  }), { numRuns: 50 });
});

test("planHash: changing a claim's metric, role, arms or scale changes the hash; rewording its text or the paper's figure does not", () => {
  const registered = planHash(planOf(study));
  const claim = (patch: object): StudyDefinition => ({ ...study, claims: [{ ...study.claims![0], ...patch }, study.claims![1]] });
  for (const patch of [{ metric: 'id.all.token_ppl' }, { role: 'secondary' }, { method: 'b', baseline: 'a' }, { scale: 'log' }, { baselineMetric: 'other' }, { gates: ['beats-bigram'] }]) {
    assert.notEqual(planHash(planOf(claim(patch))), registered, JSON.stringify(patch));
  }
  assert.equal(planHash(planOf(claim({ text: 'a clearly beats b', paper: { figure: '1.0 vs 2.0', source: 'Table 1a' } }))), registered);
  assert.equal(planHash(planOf({ ...study, title: 'a new title' })), registered);
  assert.deepEqual(planChanges(planOf(study), planOf(claim({ metric: 'id.all.token_ppl' }))), ["claim 'a-beats-b': baselineMetric 'id.all.bits_per_byte' → 'id.all.token_ppl', metric 'id.all.bits_per_byte' → 'id.all.token_ppl'"]);
});

test('planHash: for any order of the keys of the study definition, the hash is the same', () => {
  const registered = planHash(planOf(study));
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
    const shuffled = shuffleKeys(study, new Rng(seed)) as StudyDefinition;
    assert.equal(planHash(planOf(shuffled)), registered);
  }), { numRuns: 30 });
});

test('planChanges: names the arm and the field that changed, and an added knock-out arm', () => {
  const wider = { ...study, arms: { ...study.arms, a: { modelConfig: { width: 40 } } } };
  assert.deepEqual(planChanges(planOf(study), planOf(wider)), ["arm 'a': spec.modelConfig.width 20 → 40"]);
  const noKnockout = { ...study, knockouts: [] };
  assert.deepEqual(planChanges(planOf(noKnockout), planOf(study)), [
    `claim 'a-beats-b': gates ["router-entropy","beats-bigram"] → ["router-entropy","beats-bigram","knockout-ffn-matters"]`,
    "gate 'knockout-ffn-matters' added",
    "arm 'knockout-ffn' added",
  ]);
});

test('nextRegistration: registers, keeps a registration whose plan is unchanged at a later commit, refuses a change under the same version, registers a bumped version', () => {
  const first = nextRegistration(undefined, planOf(study), '2026-12-01T00:00:00.000Z', 'preregistration/alpha.json');
  assert.equal(first.action, 'registered');
  assert.equal(first.registration.hash, planHash(planOf(study)));

  const later = nextRegistration(first.registration, planOf(study, 'beef'), '2026-12-02T00:00:00.000Z', 'x');
  assert.equal(later.action, 'unchanged');
  assert.equal(later.registration.commit, 'c0ffee', 'the original commit and date stay');

  assert.throws(() => nextRegistration(first.registration, planOf(withGate(study, 0.3), 'beef'), 'now', 'preregistration/alpha.json'), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /^preregistration\/alpha\.json: study alpha v2 changed after pre-registration: gate 'router-entropy': atLeast 0\.5 → 0\.3\.\n {2}Bump the study's version \(to 3\)/);
    return true;
  });
  assert.throws(() => nextRegistration(first.registration, planOf({ ...study, version: 1 }), 'now', 'x'), /version 1, below the registered v2/);

  const bumped = nextRegistration(first.registration, planOf({ ...withGate(study, 0.3), version: 3 }, 'beef'), '2026-12-03T00:00:00.000Z', 'x');
  assert.equal(bumped.action, 'new version');
  assert.equal(bumped.archiveVersion, 2);
  assert.equal(bumped.registration.commit, 'beef');
  assert.notEqual(bumped.registration.hash, first.registration.hash);
});

test('parsePreregistration: a written registration reads back with the same hash; a hand edit of the plan is refused', () => {
  const registration = preregistration(planOf(study), '2026-12-01T00:00:00.000Z');
  const text = JSON.stringify(registration, null, 2);
  assert.deepEqual(parsePreregistration(text, 'f'), registration);
  assert.ok(matchesRegistration(parsePreregistration(text, 'f'), planOf(study, 'another-commit')));
  const edited = text.replace('"atLeast": 0.5', '"atLeast": 0.4');
  assert.notEqual(edited, text);
  assert.throws(() => parsePreregistration(edited, 'preregistration/alpha.json'), (e: unknown) => e instanceof DataError && /edited by hand/.test(e.message));
  assert.throws(() => parsePreregistration('{"schema":"x"}', 'f'), DataError);
  assert.throws(() => parsePreregistration('{', 'f'), DataError);
});

test('preregistrationState: matches, changed (names the change and both versions), not pre-registered', () => {
  const registration = preregistration(planOf(study), '2026-12-01T00:00:00.000Z');
  const reg = registry([study]);
  assert.equal(preregistrationState(reg, study, registration).status, 'matches');
  const changed = preregistrationState(reg, { ...withGate(study, 0.3), version: 3 }, registration);
  assert.equal(changed.status, 'changed');
  assert.equal(changed.studyVersion, 3);
  assert.equal(changed.registeredVersion, 2);
  assert.deepEqual(changed.changes, ['version 2 → 3', "gate 'router-entropy': atLeast 0.5 → 0.3"]);
  // seeds added by looking under a design that was not registered are a change of the analysis
  const sequential = preregistrationState(reg, study, registration, { sequential: 'group-sequential, looks at 2..8 seeds' });
  assert.equal(sequential.status, 'changed');
  assert.match(sequential.changes[0], /^analysis\.sequential absent|^analysis\.sequential null/);
  const none = preregistrationState(reg, study, undefined);
  assert.deepEqual([none.status, none.hash, none.studyVersion], ['not pre-registered', null, 2]);
});

test('analysisPlan: a claim that selects records by facet plans its facets (changing them changes the plan); facet-less claims plan as before', () => {
  const faceted = (task: string): StudyDefinition => ({ ...study, claims: [{ ...study.claims![0], facets: { task: 'A' }, baselineFacets: { task: [task] } }] });
  const plan = planOf(faceted('B-para'));
  assert.deepEqual([plan.claims[0].facets, plan.claims[0].baselineFacets], [{ task: 'A' }, { task: ['B-para'] }]);
  assert.notEqual(planHash(plan), planHash(planOf(faceted('B-summ'))));
  assert.equal('facets' in planOf(study).claims[0], false);
});
