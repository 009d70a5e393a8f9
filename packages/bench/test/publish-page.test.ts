import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromiumMissing, launchChromium } from './browser.js';
import { runCli, tempDir, workspaceRoot } from './helpers.js';
import { bareWorkspace, record, studyRecords, trainingLine, writeRun } from './publish-fixtures.js';

// Browser globals used inside page.evaluate callbacks (they run in Chromium; the test's tsconfig has no DOM lib).
declare const window: { __pwned?: number };
declare function getComputedStyle(element: unknown): { backgroundColor: string };

/** The verdicts of replication.json (core's VERDICTS), spelled out so this file runs against any version of the page. */
const VERDICTS = ['reproduced', 'not reproduced', 'inconclusive', 'invalid regime', 'not run'];

const MARKUP = `<img src=x onerror="document.title='PWNED';window.__pwned=1">`;

/** Opens a published page in headless Chromium and hands the page to `check`, collecting console errors. */
async function inBrowser(indexHtml: string, check: (page: import('playwright-core').Page, errors: string[]) => Promise<void>): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${indexHtml}`);
    await page.waitForLoadState('load');
    await check(page, errors);
  } finally {
    await browser.close();
  }
}

test('page (headless Chromium): a metric name, facet and model statistic holding markup stay text, under a Content-Security-Policy', {
  skip: chromiumMissing(),
}, async () => {
  const root = bareWorkspace(tempDir('labbench-page-xss-'));
  const records = [
    ...studyRecords('alpha'),
    ...studyRecords('alpha', { metric: MARKUP }),
    record({
      study: 'alpha',
      arm: 'base',
      metric: 'auroc',
      value: 0.7,
      board: 'detection',
      direction: 'higher',
      details: { facets: { task: `<script>window.__pwned=2</script>`, detector: MARKUP } },
    }),
  ];
  const withStat = { ...trainingLine('alpha', 'base', 0), training: { ...trainingLine('alpha', 'base', 0).training, modelStats: { [MARKUP]: [1, 2, 3] } } };
  const results = writeRun(join(root, 'run'), records, [withStat, trainingLine('alpha', 'method', 0)]);
  const out = join(root, 'site');
  const published = runCli(['publish', '--results', results, '--out', out], { cwd: root, home: join(root, '.labbench') });
  assert.equal(published.code, 0, published.stderr);
  await inBrowser(join(out, 'index.html'), async (page, errors) => {
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no injected script ran');
    assert.notEqual(await page.title(), 'PWNED');
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was made from the markup');
    assert.ok(
      (await page.locator('#board-ppl th').allTextContents()).some((t) => t.startsWith(MARKUP)),
      'the sortable board shows the name as text',
    );
    assert.ok((await page.locator('#study-alpha').textContent())!.includes(MARKUP), 'the study board shows the name as text');
    assert.ok((await page.locator('#board-detection td').allTextContents()).includes('<script>window.__pwned=2</script>'));
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.ok((await page.locator('#board-ppl tbody tr').count()) >= 2, 'the page script ran under the policy');
    const widths = await page.locator('#plots img').evaluateAll((imgs) => imgs.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth));
    assert.ok(widths.length >= 3 && widths.every((w) => w > 0), `plots load offline under the policy: ${widths}`);
    assert.deepEqual(errors, [], 'no console errors (a CSP violation would be one)');
  });
});

/**
 * What a reader sees first on a real (non-preview) page: the profile and run facts, then the
 * replication table (effects with intervals, coloured verdict badges) above every board; and every
 * plot image loads from the plain file, under the page's Content-Security-Policy.
 */
async function checkAnswersFirst(page: import('playwright-core').Page, errors: string[]): Promise<void> {
  assert.match((await page.locator('#run-profile').textContent()) ?? '', /^(quick|full|campaign)(, (quick|full|campaign))*$/);
  for (const fact of ['date', 'commit', 'seeds', 'scale']) assert.ok(((await page.locator(`#run-${fact}`).textContent()) ?? '').length > 0, fact);
  // a string, not a function: tsx would wrap a named arrow in a __name helper the page lacks
  const order = (await page.evaluate(`(() => {
    const top = (sel) => document.querySelector(sel).getBoundingClientRect().top;
    return { replication: top('#replication'), studies: top('#studies'), boards: top('#boards'), firstBoard: top('#studies table, #boards table') };
  })()`)) as { replication: number; studies: number; boards: number; firstBoard: number };
  assert.ok(order.replication < order.studies && order.replication < order.boards && order.replication < order.firstBoard, JSON.stringify(order));
  const effects = await page.locator('#replication td.effect').allTextContents();
  assert.ok(
    effects.some((e) => /^[\u00d7]?-?\d[\d.e+-]* \[-?\d[\d.e+-]*, -?\d[\d.e+-]*\]$/.test(e)),
    `effects with intervals: ${effects.slice(0, 3)}`,
  );
  const badges = page.locator('#replication .badge');
  const texts = await badges.allTextContents();
  assert.ok(texts.length > 0 && texts.every((t) => VERDICTS.includes(t)), `badges: ${texts.slice(0, 5)}`);
  const colours = await badges.evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
  assert.ok(
    colours.every((c) => c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent'),
    `coloured badges: ${colours.slice(0, 3)}`,
  );
  assert.equal(await page.locator('#preview-banner').count(), 0, 'no preview banner on a real page');
  const images = await page
    .locator('#plots img')
    .evaluateAll((imgs) =>
      imgs.map((img) => ({ src: (img as unknown as { src: string }).src, width: (img as unknown as { naturalWidth: number }).naturalWidth })),
    );
  assert.ok(
    images.length > 0 && images.every((i) => i.width > 0),
    `every plot loads offline from the file: ${JSON.stringify(images.filter((i) => i.width === 0).slice(0, 3))}`,
  );
  assert.deepEqual(errors, [], 'no console errors (a CSP violation or a missing plot would be one)');
}

/** Bytes a browser loads for a published page: index.html and every plot image it shows. */
function pageBytes(dir: string): number {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const images = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => join(dir, decodeURIComponent(m[1])));
  return [join(dir, 'index.html'), ...images].reduce((sum, path) => sum + statSync(path).size, 0);
}

test('page (headless Chromium): the committed leaderboards/index.html names its profile and shows the replication table with effects, intervals and verdict badges before any board; it loads under 2 MB from a plain file', {
  skip: chromiumMissing(),
}, async () => {
  const dir = join(workspaceRoot, 'leaderboards');
  const bytes = pageBytes(dir);
  assert.ok(bytes < 2_000_000, `the committed page and its plots are ${bytes} bytes`);
  await inBrowser(join(dir, 'index.html'), checkAnswersFirst);
});

test('page (headless Chromium): republished from the committed results by the current code, the page leads with the same answers, under 2 MB', {
  skip: chromiumMissing(),
}, async () => {
  const out = join(tempDir('labbench-page-committed-'), 'site');
  const published = runCli(['publish', '--results', join(workspaceRoot, 'leaderboards', 'results.jsonl'), '--out', out]);
  assert.equal(published.code, 0, published.stderr);
  const bytes = pageBytes(out);
  assert.ok(bytes < 2_000_000, `index.html and its plots are ${bytes} bytes`);
  await inBrowser(join(out, 'index.html'), checkAnswersFirst);
});

test("page (headless Chromium): a smoke run's page shows the preview banner and no verdicts", { skip: chromiumMissing() }, async () => {
  const root = bareWorkspace(tempDir('labbench-page-smoke-'));
  const results = writeRun(join(root, 'run'), studyRecords('alpha', { profile: 'smoke' }));
  const out = join(root, 'site');
  const published = runCli(['publish', '--results', results, '--out', out], { cwd: root, home: join(root, '.labbench') });
  assert.equal(published.code, 0, published.stderr);
  await inBrowser(join(out, 'index.html'), async (page) => {
    const banner = page.locator('#preview-banner');
    assert.ok(await banner.isVisible());
    assert.match((await banner.textContent()) ?? '', /preview: no verdicts/);
    assert.match((await page.locator('#run-profile').textContent()) ?? '', /smoke/);
    const banner_top = await banner.evaluate((el) => el.getBoundingClientRect().top);
    const table_top = await page.locator('#replication').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(banner_top < table_top, 'the banner comes first');
  });
});
