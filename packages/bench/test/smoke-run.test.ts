import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDir } from './helpers.js';

const home = tempDir('labbench-smoke-');
const out = join(home, 'runs', 'dense-baseline');

/** Records without what legitimately differs between runs (timestamps and wall times). */
function stable(path: string): unknown[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => {
    const { provenance, ...rest } = JSON.parse(line);
    if (provenance === undefined) return rest; // a gate line: nothing in it depends on the clock
    const { date, wallSeconds, ...kept } = provenance;
    void date; void wallSeconds;
    return { ...rest, provenance: kept };
  });
}

test('smoke run of dense-baseline: board CSVs with >= 2 rows and a results file every record of which validates', () => {
  const run = runCli(['run', '--study', 'dense-baseline', '--profile', 'smoke'], { home });
  assert.equal(run.code, 0, run.stderr);
  for (const board of ['ppl', 'downstream', 'detection']) {
    const rows = parse(readFileSync(join(out, `${board}.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.ok(rows.length >= 2, `${board}.csv has ${rows.length} rows`);
    for (const column of ['params_total', 'params_active', 'flops_per_token_train', 'tokens', 'seeds', 'backend', 'git_commit', 'date']) {
      assert.ok(rows.every((r) => r[column] !== undefined && r[column] !== ''), `${board}.csv column ${column}`);
    }
  }
  const ppl = parse(readFileSync(join(out, 'ppl.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.ok(ppl.every((r) => Number(r['id.all.token_ppl']) >= 1), 'perplexity >= 1');
  const validate = runCli(['validate', join(out, 'results.jsonl')], { home });
  assert.equal(validate.code, 0, validate.stderr);
});

test('labbench run --study dense-baseline --profile smoke: ppl.csv has unigram and bigram reference rows and a knock-out control row; its gates are in results.jsonl and REPLICATION.md', () => {
  // the run is the first test's (same command, default output folder)
  const rows = parse(readFileSync(join(out, 'ppl.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const byArm = new Map(rows.map((row) => [row.arm, row]));
  for (const arm of ['swiglu', 'relu', 'ref-unigram', 'ref-bigram', 'knockout-ffn']) {
    const bpb = Number(byArm.get(arm)?.['id.all.bits_per_byte']);
    assert.ok(Number.isFinite(bpb) && bpb > 0, `${arm}: id.all.bits_per_byte ${bpb}`);
    assert.ok(Number(byArm.get(arm)?.['ood.all.token_ppl']) > 1, `${arm}: ood token perplexity`);
  }
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const records = lines.filter((x) => x.schema === 'labbench.result/v1') as { arm: string; metric: string; value: number; details?: Record<string, unknown>; provenance: { paramsTotal: number } }[];
  const bigram = records.find((x) => x.arm === 'ref-bigram' && x.metric === 'id.all.bits_per_byte')!;
  assert.equal(bigram.details?.reference, 'bigram');
  assert.equal(bigram.details?.trainTokens, 12 * 4 * 32, 'the smoke budget: steps x batch x context');
  const knockout = records.find((x) => x.arm === 'knockout-ffn')!;
  const swiglu = records.find((x) => x.arm === 'swiglu')!;
  assert.ok(knockout.provenance.paramsTotal < swiglu.provenance.paramsTotal, 'the knock-out has fewer parameters');

  // the validity gates, measured after the run, follow the result records: recomputed here from the rows
  const gates = lines.filter((x) => x.schema === 'labbench.gate/v1') as { claim: string; gate: string; measured: number; threshold: number; comparison: string; passed: boolean; claimVerdict: string }[];
  assert.ok(lines.slice(lines.length - gates.length).every((x) => x.schema === 'labbench.gate/v1'), 'gate lines come last');
  const bpb = (arm: string) => records.find((x) => x.arm === arm && x.metric === 'id.all.bits_per_byte')!.value;
  const expected = new Map([
    ['beats-bigram', bpb('ref-bigram') - bpb('relu')], // the study's reference arm is its ReLU baseline
    ['knockout-ffn-matters', bpb('knockout-ffn') - bpb('swiglu')],
  ]);
  assert.deepEqual(gates.map((g) => g.gate).sort(), [...expected.keys()].sort());
  for (const g of gates) {
    assert.equal(g.claim, 'swiglu-beats-relu');
    assert.ok(Math.abs(g.measured - expected.get(g.gate)!) < 1e-12, `${g.gate}: ${g.measured} vs ${expected.get(g.gate)}`);
    assert.equal(g.passed, g.measured >= g.threshold);
  }
  assert.equal(gates[0].claimVerdict === 'invalid regime', !gates.every((g) => g.passed), 'a failed gate, and only that, makes the regime invalid');
  const validate = runCli(['validate', join(out, 'results.jsonl')], { home });
  assert.match(validate.stdout, new RegExp(`${records.length} valid records, ${gates.length} valid gate records`));

  // and REPLICATION.md, from publishing the run, lists each with its measured value and threshold
  const site = join(home, 'site-gates');
  const published = runCli(['publish', '--results', join(out, 'results.jsonl'), '--out', site], { home });
  assert.equal(published.code, 0, published.stderr);
  const report = readFileSync(join(site, 'REPLICATION.md'), 'utf8');
  for (const g of gates) assert.ok(report.includes(`${g.gate} ${Number(g.measured.toPrecision(3))} ${g.comparison} ${g.threshold}`), `${g.gate} in REPLICATION.md`);
});

test('smoke rerun: every cell comes from the cache and the results are identical apart from timestamps', () => {
  const first = stable(join(out, 'results.jsonl'));
  const again = runCli(['run', '--study', 'dense-baseline', '--profile', 'smoke'], { home });
  assert.equal(again.code, 0, again.stderr);
  const cells = JSON.parse(readFileSync(join(out, 'cells.json'), 'utf8')) as { status: string }[];
  assert.ok(cells.every((c) => c.status === 'cached'), JSON.stringify(cells));
  assert.deepEqual(stable(join(out, 'results.jsonl')), first);
});

test('a NaN loss in one cell fails only that cell: the others finish and the exit code is 1', () => {
  const nanHome = tempDir('labbench-nan-');
  const run = runCli(['run', '--study', 'dense-baseline', '--profile', 'smoke'], { home: nanHome, env: { LABBENCH_INJECT_NAN: 'dense-baseline/swiglu/0@5' } });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /dense-baseline\/swiglu\/seed0 at step 5: training fault at step 5: loss is NaN/);
  const cells = JSON.parse(readFileSync(join(nanHome, 'runs', 'dense-baseline', 'cells.json'), 'utf8')) as { arm: string; status: string; failedAtStep?: number }[];
  assert.deepEqual(cells.filter((c) => c.status === 'failed').map((c) => [c.arm, c.failedAtStep ?? null]), [['swiglu', 5]]);
  assert.ok(cells.length >= 3 && cells.some((c) => c.arm === 'relu' && c.status === 'ok'), JSON.stringify(cells));
});

test('a run killed with SIGKILL after its first cell resumes on rerun and ends with the uninterrupted run\'s results', async () => {
  const { spawn } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const { cliPath, workspaceRoot } = await import('./helpers.js');
  const killedHome = tempDir('labbench-kill-');
  const cellsPath = join(killedHome, 'runs', 'dense-baseline', 'cells.json');
  const child = spawn(process.execPath, [cliPath, 'run', '--study', 'dense-baseline', '--profile', 'smoke'], {
    cwd: workspaceRoot, env: { ...process.env, LABBENCH_HOME: killedHome, CI: '1' }, stdio: 'ignore',
  });
  type Cell = { arm: string; status: string };
  const finished = () => (existsSync(cellsPath) ? (JSON.parse(readFileSync(cellsPath, 'utf8')) as Cell[]) : []);
  const killed = await new Promise<boolean>((resolve) => {
    const timer = setInterval(() => {
      if (finished().length >= 1) {
        clearInterval(timer);
        resolve(child.kill('SIGKILL'));
      }
    }, 25);
    child.on('exit', () => { clearInterval(timer); resolve(false); });
  });
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.on('exit', resolve)));
  assert.ok(killed, 'the run finished before it could be killed');
  // cells run two at a time, and on a loaded machine more may finish between the poll and the
  // kill: what matters is that every cell finished before the kill is reused and the rest computed
  const before = new Set(finished().map((c) => c.arm));
  const rerun = runCli(['run', '--study', 'dense-baseline', '--profile', 'smoke'], { home: killedHome });
  assert.equal(rerun.code, 0, rerun.stderr);
  const cells = finished();
  // (a cell whose worker cached it just before the kill, unrecorded in cells.json, may come back cached too)
  assert.ok(cells.every((c) => (before.has(c.arm) ? c.status === 'cached' : c.status === 'ok' || c.status === 'cached')), JSON.stringify(cells));
  assert.ok(cells.some((c) => c.status === 'ok'), 'the unfinished cells were computed');
  // a fresh, uninterrupted run in another folder gives bit-identical records (same seed, same backend)
  assert.deepEqual(stable(join(killedHome, 'runs', 'dense-baseline', 'results.jsonl')), stable(join(out, 'results.jsonl')));
});

test('publish + browser: the page sorts a column, shows ranks, and every plot renders (headless Chromium)', async () => {
  const { launchChromium } = await import('./browser.js');
  const site = join(home, 'site');
  const published = runCli(['publish', '--out', site], { home });
  assert.equal(published.code, 0, published.stderr);
  for (const file of ['index.html', 'REPLICATION.md', 'results.jsonl', 'ppl.csv', 'downstream.csv', 'detection.csv']) assert.ok(readFileSync(join(site, file), 'utf8').length > 0, file);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${join(site, 'index.html')}`);
    const table = page.locator('#board-ppl table');
    const armsBefore = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(armsBefore, [...armsBefore].sort(), 'rows start sorted by study then arm');
    await table.locator('th', { hasText: /^arm$/ }).click(); // sort by arm, ascending
    assert.deepEqual(await table.locator('tbody tr td:nth-child(2)').allTextContents(), [...armsBefore].sort());
    await table.locator('th', { hasText: /^arm$/ }).click(); // the same header again: descending
    const armsAfter = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(armsAfter, [...armsBefore].sort().reverse());
    assert.equal(await table.locator('th.desc', { hasText: /^arm$/ }).count(), 1);
    const ranks = await table.locator('.rank').allTextContents();
    assert.ok(ranks.length > 0 && ranks.every((r) => /^#[1-9]\d*$/.test(r)) && ranks.includes('#1'), `ranks: ${ranks.slice(0, 5)}`);
    await page.locator('#board-ppl input').fill('relu');
    assert.deepEqual(await table.locator('tbody tr td:nth-child(2)').allTextContents(), ['relu']);
    const images = page.locator('#plots img');
    const count = await images.count();
    assert.ok(count >= 3, `${count} plots`);
    const widths = await images.evaluateAll((imgs) => imgs.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth));
    assert.ok(widths.every((w) => w > 0), `unrendered plots: ${widths}`);
  } finally {
    await browser.close();
  }
});
