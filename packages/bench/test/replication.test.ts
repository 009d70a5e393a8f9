import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, definePlugin, defineStudy, Registry, type ResultRecord, type StudyClaim } from '@labbench/core';
import { replicationFile, replicationMarkdown, readSequential } from '../src/publish/replication.js';

const origin = (name: string, title: string) => ({ packageName: name, version: '1.0.0', dir: `plugins/${name}`, entry: `/plugins/${name}/src/index.ts`, manifest: { id: name, kinds: ['study' as const], paper: { title } } });

function rec(study: string, arm: string, seed: number, metric: string, value: number, direction: 'higher' | 'lower' = 'lower'): ResultRecord {
  return {
    schema: 'labbench.result/v1', study, studyVersion: 1, arm, seed, board: 'ppl', metric, value, direction, n: 1,
    provenance: { cellKey: '0'.repeat(64), configHash: '0'.repeat(64), paramsTotal: 0, paramsActive: 0, flopsPerTokenTrain: 0, flopsPerTokenInference: 0, tokens: 0, backend: 'cpu', nativeKernels: false, labbenchVersion: '0', plugins: {}, gitCommit: 'x', date: '2026-01-01T00:00:00.000Z', profile: 'quick' },
  };
}

const claims: StudyClaim[] = [
  { id: 'ppl', text: 'A has lower perplexity than B', role: 'headline', board: 'ppl', metric: 'id.all.token_ppl', method: 'a', baseline: 'b', scale: 'log', paper: { figure: '27.7 vs 31.2', source: 'Table 3' } },
  { id: 'forecast', text: 'A forecasts better than the baseline forecaster', role: 'secondary', board: 'ppl', metric: 'fit.error', baselineMetric: 'baseline.error', method: 'a', baseline: 'a', paper: { figure: '0.1 vs 0.3', source: 'Fig. 2' } },
];
const ran = defineStudy({ id: 'ran', version: 1, title: 't', claim: 'c', shared: { model: 'm', tokenizer: 't', loss: 'l' }, arms: { a: {}, b: {} }, baseline: 'b', evaluators: ['downstream'], claims });
const idle = defineStudy({ ...ran, id: 'idle', claims: [{ ...claims[0] }] });
// a study without claims and without records (a sweep a campaign does not plan) is not "not run"
const sweep = defineStudy({ ...ran, id: 'sweep', claims: undefined });
const registry = new Registry([
  { plugin: definePlugin({ id: 'p', studies: [ran, sweep] }), origin: origin('p', 'Paper P') },
  { plugin: definePlugin({ id: 'q', studies: [idle] }), origin: origin('q', 'Paper Q') },
]);
const records = [
  ...[30.1, 31.0, 29.5].map((v, s) => rec('ran', 'a', s, 'id.all.token_ppl', v)),
  ...[33.0, 33.9, 32.2].map((v, s) => rec('ran', 'b', s, 'id.all.token_ppl', v)),
  ...[0.11, 0.12, 0.1].map((v, s) => rec('ran', 'a', s, 'fit.error', v)),
  ...[0.3, 0.28, 0.33].map((v, s) => rec('ran', 'a', s, 'baseline.error', v)),
];

test('replicationFile: one entry per claim, valid against the schema core ships', () => {
  const file = replicationFile(registry, records);
  assert.deepEqual(check('replication', file), []);
  assert.deepEqual(file.entries.map((e) => `${e.study}/${e.claim}:${e.verdict}`), ['ran/ppl:reproduced', 'ran/forecast:reproduced', 'idle/ppl:not run']);
  assert.deepEqual(file.notRun, ['idle']);
  const ppl = file.entries[0];
  assert.ok(ppl.ratio && ppl.ratio.low > 0 && ppl.ratio.high < 1, JSON.stringify(ppl.ratio));
  assert.equal(ppl.paper, 'Paper P');
});

test('replicationMarkdown: the verdict rule in the header, the paper figure beside the effect, two metrics by name, not-run studies once at the end', () => {
  const md = replicationMarkdown(replicationFile(registry, records), records.length);
  assert.match(md, /## How to read a verdict[\s\S]*invalid regime[\s\S]*Holm/);
  assert.match(md, /27\.7 vs 31\.2 \(Table 3\) \| ×0\.9\d+ \[/);
  assert.match(md, /a `fit\.error` 0\.11 vs a `baseline\.error` 0\.303 \(lower is better\)/);
  assert.equal(md.match(/idle/g)?.length, 1, 'the not-run study is named once');
  assert.match(md, /## Not run\n\nNo result records for: `idle`\./);
  assert.doesNotMatch(md, /## Paper Q/);
  assert.doesNotMatch(md, /\? is better/);
});

test('replicationFile: a claim without an id is a ConfigError naming the study', () => {
  const bad = defineStudy({ ...ran, id: 'bad', claims: [{ ...claims[0], id: undefined as unknown as string }] });
  let reg: Registry;
  try {
    reg = new Registry([{ plugin: definePlugin({ id: 'r', studies: [bad] }), origin: origin('r', 'R') }]);
  } catch {
    return; // the study schema already refuses it, which is as good
  }
  assert.throws(() => replicationFile(reg, records), /study bad › claims\[0\]: claim 'A has lower perplexity than B' has no id/);
});

test('replicationFile: on the committed leaderboards, every entry passes the schema, no ratio interval reaches zero and no interval has zero width', async () => {
  const { discoverPlugins, readResults } = await import('@labbench/core');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const committed = readResults(`${root}leaderboards/results.jsonl`);
  const file = replicationFile(await discoverPlugins(root), committed);
  assert.deepEqual(check('replication', file), []);
  assert.ok(file.entries.length >= 10, `${file.entries.length} claims`);
  for (const e of file.entries) {
    if (e.ratio) assert.ok(e.ratio.low > 0, `${e.study}/${e.claim} ratio ${JSON.stringify(e.ratio)}`);
    if (e.interval) assert.ok(e.interval[1] > e.interval[0], `${e.study}/${e.claim} interval ${e.interval.join(', ')}`);
    if (e.verdict === 'invalid regime') assert.match(e.reason, /^invalid regime: \S+, (measured \S+|not measured), needs [<>]= \S+$/);
  }
});

test('readSequential: the design of an --until-decided run reaches each verdict (looks, stage-wise p); records that changed since are refused', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { planSequentialSeeds } = await import('@labbench/core');
  const dir = mkdtempSync(join(tmpdir(), 'labbench-seq-'));
  const plans = planSequentialSeeds([ran], records);
  writeFileSync(join(dir, 'sequential.json'), JSON.stringify({ design: plans[0].design, plans }));
  const sequential = readSequential([join(dir, 'results.jsonl')], records);
  const file = replicationFile(registry, records, { sequential });
  assert.deepEqual(check('replication', file), []);
  const ppl = file.entries[0];
  assert.equal(ppl.sequential?.looks, 2); // looks at 2 and 3 seeds
  assert.equal(ppl.p, plans[0].claims[0].sequentialP);
  assert.ok(ppl.p! > replicationFile(registry, records).entries[0].p!, 'the stage-wise p is larger than the fixed-sample p');
  const fewer = records.filter((r) => r.seed < 2);
  assert.throws(() => readSequential([join(dir, 'results.jsonl')], fewer), /made at 3 seeds but the records hold 2/);
  assert.deepEqual([...readSequential([join(tmpdir(), 'no-such-run', 'results.jsonl')], records)], []);
});

test('replicationFile: a paper with two headline claims is a ConfigError (Holm counts one per paper)', () => {
  const twice = defineStudy({ ...ran, id: 'twice', claims: [claims[0], { ...claims[1], role: 'headline' }] });
  const reg = new Registry([{ plugin: definePlugin({ id: 't', studies: [twice] }), origin: origin('t', 'Paper T') }]);
  assert.throws(() => replicationFile(reg, records), /paper 'Paper T': has 2 headline claims \(twice\/ppl, twice\/forecast\)/);
});

test('replicationMarkdown opens with each run paper\'s headline verdict (the failed gate of an invalid regime) and the counts of every claim judged', async () => {
  const md = replicationMarkdown(replicationFile(registry, records), records.length);
  const glance = md.slice(md.indexOf('## At a glance'), md.indexOf('## How to read a verdict'));
  assert.match(glance, /\| Paper P \| `ran\/ppl`: A has lower perplexity than B \| \*\*reproduced\*\* \| ×0\.9\d+ \[[^\]]+\], p \S+ \|/);
  assert.match(glance, /Corrected verdicts of the 2 claims judged: headline reproduced 1; secondary reproduced 1\. Not run: 1 study \(at the end\)\./);
  assert.doesNotMatch(glance, /Paper Q/);
  // the committed campaign report: every headline of a study with records, each with its own verdict
  const { readFileSync } = await import('node:fs');
  const campaign = JSON.parse(readFileSync(new URL('../../../campaign/leaderboards/replication.json', import.meta.url), 'utf8')) as Parameters<typeof replicationMarkdown>[0];
  const text = replicationMarkdown(campaign, 0);
  const rows = text.slice(text.indexOf('## At a glance'), text.indexOf('## How to read a verdict')).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| paper') && !l.startsWith('| ---'));
  const headlines = campaign.entries.filter((e) => e.role === 'headline' && !campaign.notRun.includes(e.study));
  assert.equal(rows.length, headlines.length);
  for (const e of headlines) {
    const row = rows.find((r) => r.includes(`\`${e.study}/${e.claim}\``));
    assert.ok(row?.includes(`**${e.correctedVerdict}**`), `${e.study}/${e.claim}: ${row}`);
    if (!row) continue;
    const failed = e.gates.find((g) => g.passed !== true);
    if (e.correctedVerdict === 'invalid regime' && failed) assert.ok(row.includes(`gate ${failed.gate}, `), row);
  }
});
