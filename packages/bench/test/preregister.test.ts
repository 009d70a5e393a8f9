import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Registry, analysisPlan, check, definePlugin, defineStudy, planHash, planSequentialSeeds, preregistration, preregistrationState, type AnalysisPlan, type LanguageModel, type ModelFactory, type Preregistration, type ResultRecord, type StudyDefinition } from '@labbench/core';
import { preregisterStudies, readPreregistrations, untilDecidedDesign } from '../src/commands/preregister.js';
import { preregistrationLine, replicationFile, replicationMarkdown } from '../src/publish/replication.js';
import { runCli, tempDir } from './helpers.js';

const origin = (name: string, title: string) => ({ packageName: name, version: '1.0.0', dir: `plugins/${name}`, entry: `/plugins/${name}/src/index.ts`, manifest: { id: name, kinds: ['study' as const], paper: { title } } });
const model: ModelFactory = {
  id: 'm', kind: 'causal', description: 'fake', defaults: {}, configSchema: { type: 'object' },
  create: () => ({ params: () => ({ total: 1, active: 1 }), flopsPerToken: () => ({ train: 3, inference: 1 }), dispose() {} }) as unknown as LanguageModel,
};
const components = { models: [model], tokenizers: [{ id: 'tok' } as never], losses: [{ id: 'ce' } as never], evaluators: [{ id: 'perplexity', description: 'p', boards: ['ppl' as const], requires: 'any' as const, evaluate: async () => [] }] };

const studyOf = (id: string, version = 1, atLeast = 0.5): StudyDefinition => defineStudy({
  id, version, title: id, claim: 'a beats b', baseline: 'b', evaluators: ['perplexity'], references: false,
  shared: { model: 'm', tokenizer: 'tok', loss: 'ce' }, arms: { a: {}, b: {} },
  claims: [{ id: 'a-beats-b', text: 'a beats b', role: 'headline', board: 'ppl', metric: 'id.all.token_ppl', method: 'a', baseline: 'b', scale: 'log', paper: { figure: '27.7 vs 31.2', source: 'Table 3' } }],
  gates: [{ id: 'a-learns', text: 'a is below 1000 perplexity', kind: 'bound', board: 'ppl', metric: 'id.all.token_ppl', arm: 'a', atMost: 1000, atLeast }],
});
/** One plugin per study, so each is its own paper in the report. */
const registryOf = (studies: StudyDefinition[]) => new Registry(studies.map((s) => ({ plugin: definePlugin({ id: s.id, ...components, ...(s === studies[0] ? {} : { models: [], tokenizers: [], losses: [], evaluators: [] }), studies: [s] }), origin: origin(s.id, `Paper ${s.id}`) })));

const options = (registry: Registry, dir: string, commit = 'c0ffee', now = '2026-12-01T00:00:00.000Z') => ({ registry, dir, profile: 'smoke', studies: [], commit, now });

test('preregisterStudies: registers each study with claims, keeps an unchanged registration byte for byte at a later commit', () => {
  const dir = tempDir('labbench-prereg-');
  const registry = registryOf([studyOf('alpha')]);
  const [first] = preregisterStudies(options(registry, dir));
  assert.equal(first.action, 'registered');
  const text = readFileSync(join(dir, 'alpha.json'), 'utf8');
  const saved = JSON.parse(text) as Preregistration;
  assert.deepEqual(Object.keys(saved), ['schema', 'hash', 'registeredAt', 'commit', 'profile', 'plan']);
  assert.equal(saved.hash, planHash(saved.plan));
  assert.equal(saved.commit, 'c0ffee');
  const [again] = preregisterStudies(options(registry, dir, 'beef', '2026-12-09T00:00:00.000Z'));
  assert.equal(again.action, 'unchanged');
  assert.equal(readFileSync(join(dir, 'alpha.json'), 'utf8'), text);
});

test('preregisterStudies: a changed gate under the same version is refused (exit 2, names the gate, says to bump the version) and nothing is written', () => {
  const dir = tempDir('labbench-prereg-');
  preregisterStudies(options(registryOf([studyOf('alpha'), studyOf('beta')]), dir));
  const before = readFileSync(join(dir, 'beta.json'), 'utf8');
  const changed = registryOf([studyOf('alpha', 2), studyOf('beta', 1, 0.2)]); // alpha bumped, beta silently changed
  assert.throws(() => preregisterStudies(options(changed, dir, 'beef')), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /beta\.json: study beta v1 changed after pre-registration: gate 'a-learns': atLeast 0\.5 → 0\.2\.\n {2}Bump the study's version \(to 2\)/);
    return true;
  });
  assert.equal(readFileSync(join(dir, 'beta.json'), 'utf8'), before);
  assert.equal(existsSync(join(dir, 'alpha.v1.json')), false, 'the bumped study is not written either: the run is refused as a whole');
});

test('preregisterStudies: a bumped version registers anew and keeps the old registration as <study>.v<old>.json', () => {
  const dir = tempDir('labbench-prereg-');
  preregisterStudies(options(registryOf([studyOf('alpha')]), dir));
  const old = readFileSync(join(dir, 'alpha.json'), 'utf8');
  const [bumped] = preregisterStudies(options(registryOf([studyOf('alpha', 2, 0.2)]), dir, 'beef', '2026-12-05T00:00:00.000Z'));
  assert.equal(bumped.action, 'new version');
  assert.equal(readFileSync(join(dir, 'alpha.v1.json'), 'utf8'), old);
  const now = readPreregistrations(dir);
  assert.deepEqual([...now.keys()], ['alpha'], 'history files are not current registrations');
  assert.equal(now.get('alpha')!.plan.version, 2);
  assert.equal(now.get('alpha')!.commit, 'beef');
});

test('labbench preregister: registers a real study, then exits 2 naming the change when its plan no longer matches under the same version', () => {
  const dir = tempDir('labbench-prereg-cli-');
  const first = runCli(['preregister', '--profile', 'smoke', '--study', 'dense-baseline', '--dir', dir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /registered: dense-baseline v\d+ under smoke, [0-9a-f]{12} at commit [0-9a-f]{12}/);
  const file = join(dir, 'dense-baseline.json');
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Preregistration;
  assert.ok(saved.plan.claims.length > 0 && saved.plan.arms.some((a) => a.role === 'reference'), 'claims and the reference arms are in the plan');
  // the registered plan had another threshold for the first gate: the current definition differs from it
  const gate = saved.plan.gates[0];
  const plan = { ...saved.plan, gates: [{ ...gate, atLeast: ('atLeast' in gate && gate.atLeast !== undefined ? gate.atLeast : 0) + 1 }, ...saved.plan.gates.slice(1)] } as AnalysisPlan;
  const tampered = JSON.stringify(preregistration(plan, saved.registeredAt), null, 2);
  writeFileSync(file, tampered);
  const second = runCli(['preregister', '--profile', 'smoke', '--study', 'dense-baseline', '--dir', dir]);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`study dense-baseline v\\d+ changed after pre-registration: gate '${gate.id}': atLeast`));
  assert.match(second.stderr, /Bump the study's version/);
  assert.equal(readFileSync(file, 'utf8'), tampered, 'nothing written');
});

function rec(study: string, arm: string, seed: number, value: number, version: number): ResultRecord {
  return {
    schema: 'labbench.result/v1', study, studyVersion: version, arm, seed, board: 'ppl', metric: 'id.all.token_ppl', value, direction: 'lower', n: 1,
    provenance: { cellKey: '0'.repeat(64), configHash: '0'.repeat(64), paramsTotal: 0, paramsActive: 0, flopsPerTokenTrain: 0, flopsPerTokenInference: 0, tokens: 0, backend: 'cpu', nativeKernels: false, labbenchVersion: '0', plugins: {}, gitCommit: 'x', date: '2026-01-01T00:00:00.000Z', profile: 'smoke' },
  };
}

test('replication report: each study shows its pre-registration hash, commit and date, and matches / changed (bumped or not) / not pre-registered', () => {
  const registered = registryOf([studyOf('same'), studyOf('bumped'), studyOf('silent'), studyOf('unregistered')]);
  const registrations = new Map(['same', 'bumped', 'silent'].map((id) => [id, preregistration(analysisPlan(registered, registered.get('study', id), { profile: 'smoke', commit: 'a'.repeat(40) }), '2026-12-01T10:00:00.000Z')] as const));
  const now = registryOf([studyOf('same'), studyOf('bumped', 2, 0.2), studyOf('silent', 1, 0.2), studyOf('unregistered')]);
  const records = now.ids('study').flatMap((id) => [0, 1, 2].flatMap((s) => [rec(id, 'a', s, 30 + s, now.get('study', id).version), rec(id, 'b', s, 33 + s * 1.1, now.get('study', id).version)]));
  const file = replicationFile(now, records, { preregistrations: registrations });
  assert.deepEqual(check('replication', file), []);
  const status = Object.fromEntries(file.entries.map((e) => [e.study, e.preregistration?.status]));
  assert.deepEqual(status, { same: 'matches', bumped: 'changed', silent: 'changed', unregistered: 'not pre-registered' });
  const hash = registrations.get('same')!.hash;
  assert.equal(file.entries.find((e) => e.study === 'same')!.preregistration!.hash, hash);

  const md = replicationMarkdown(file, records.length);
  assert.match(md, new RegExp(`- \`same\` v1: matches pre-registration \`${hash.slice(0, 12)}\` \\(commit \`aaaaaaaaaaaa\`, 2026-12-01, profile smoke\\)\\.`));
  assert.match(md, /- `bumped` v2: changed after pre-registration \(study version 2, registered v1\): reported as a new study version\. Registered `[0-9a-f]{12}` .*; changed: version 1 → 2; gate 'a-learns': atLeast 0\.5 → 0\.2\./);
  assert.match(md, /- `silent` v1: changed after pre-registration \(study version 1, registered v1\) without a version bump: .*changed: gate 'a-learns': atLeast 0\.5 → 0\.2\./);
  assert.match(md, /- `unregistered` v1: not pre-registered\./);
  assert.match(md, /Pre-registration of the 4 studies judged: matches 1, changed 2, not pre-registered 1\./);
  // without registrations (a caller that passes none) the report is as before
  assert.doesNotMatch(replicationMarkdown(replicationFile(now, records), records.length), /pre-regist/i);
});

test('preregisterStudies: --dry-run decides like a real run and writes nothing', () => {
  const dir = tempDir('labbench-prereg-');
  const [outcome] = preregisterStudies({ ...options(registryOf([studyOf('alpha')]), dir), dryRun: true });
  assert.equal(outcome.action, 'registered');
  assert.equal(existsSync(join(dir, 'alpha.json')), false);
});

test('pre-registration: the design registered with --until-decided --max-seeds N is the one `labbench run --until-decided` records, so such a run matches', () => {
  const study = studyOf('alpha');
  const registry = registryOf([study]);
  const records = [0, 1, 2].flatMap((s) => [rec('alpha', 'a', s, 30 + s, 1), rec('alpha', 'b', s, 33 + s, 1)]);
  for (const maxSeeds of [3, 8]) {
    const registration = preregistration(analysisPlan(registry, study, { profile: 'smoke', commit: 'c', sequential: untilDecidedDesign(maxSeeds) }), 'now');
    const ranUnder = planSequentialSeeds([study], records, { maxSeeds, minSeeds: Math.min(2, maxSeeds) })[0].design;
    assert.equal(preregistrationState(registry, study, registration, { sequential: ranUnder }).status, 'matches');
    const other = planSequentialSeeds([study], records, { maxSeeds: maxSeeds + 1, minSeeds: 2 })[0].design;
    assert.equal(preregistrationState(registry, study, registration, { sequential: other }).status, 'changed');
  }
});

test('preregistrationLine: results from another profile than the registered one are named', () => {
  const state = { status: 'matches' as const, hash: 'f'.repeat(64), commit: 'c'.repeat(40), registeredAt: '2026-12-01T10:00:00.000Z', profile: 'quick', registeredVersion: 2, studyVersion: 2, changes: [] };
  assert.equal(preregistrationLine('dsmoe', state, ['smoke']), '- `dsmoe` v2: matches pre-registration `ffffffffffff` (commit `cccccccccccc`, 2026-12-01, profile quick); registered for profile quick, these results are from smoke.');
  assert.doesNotMatch(preregistrationLine('dsmoe', state, ['quick']), /these results/);
});
