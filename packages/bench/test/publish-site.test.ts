import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sitePage } from '../src/publish/site.js';
import { record, studyRecords } from './publish-fixtures.js';

const page = (records: ReturnType<typeof studyRecords>, headline: string[] = []) =>
  sitePage({ records, claims: [], plots: [], headline: new Map([['alpha', headline]]), preview: false });

/** The HTML of one study's section. */
const section = (html: string, study: string) =>
  html.slice(html.indexOf(`<section class="study" id="study-${study}">`), html.indexOf('</section>', html.indexOf(`id="study-${study}"`)));

test('sitePage: for any metric name and facet value, the page holds it only escaped (no raw <, > or quotes from data)', () => {
  // the markers (ZQ never occurs in the page's own text) make every name hold a character that must be escaped
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
      const metric = `ZQ<${a}>`;
      const facet = `ZQ"${b}'`;
      const records = [
        ...studyRecords('alpha', { metric }),
        record({ study: 'alpha', arm: 'base', metric: 'auroc', value: 0.5, board: 'detection', details: { facets: { task: facet } } }),
      ];
      const html = page(records, [`ppl/${metric}`]);
      const data = html.slice(html.indexOf('<script type="application/json" id="data">'));
      const markup = html.slice(0, html.indexOf('<script type="application/json" id="data">'));
      for (const raw of ['ZQ<', 'ZQ"']) assert.ok(!markup.includes(raw), `raw ${raw} in the markup`);
      assert.ok(!data.slice(0, data.indexOf('</script>')).includes('<', 1), 'no < inside the JSON data block');
    }),
    { numRuns: 300 },
  );
});

test('sitePage: a study board leads with its headline metric; a board of many facet rows shows the 15 best and keeps every row behind the toggle', () => {
  const rows = Array.from({ length: 40 }, (_, i) =>
    [0, 1].map((seed) =>
      record({
        study: 'alpha',
        arm: 'base',
        seed,
        board: 'detection',
        direction: 'higher',
        metric: 'auroc',
        value: i / 40,
        details: { facets: { detector: `d${String(i).padStart(2, '0')}` } },
      }),
    ),
  ).flat();
  const html = page([...studyRecords('alpha', { metric: 'zz-headline' }), ...studyRecords('alpha', { metric: 'aa-other' }), ...rows], ['ppl/zz-headline']);
  const study = section(html, 'alpha');
  const compact = study.slice(0, study.indexOf('<details>'));
  const headers = [...compact.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
  assert.deepEqual(headers.slice(0, 3), ['arm', 'detector', 'zz-headline \u2193'], headers.join(' | '));
  assert.ok(!headers.some((h) => h.startsWith('aa-other')), 'other metrics are behind the toggle');
  const compactDetectors = [...compact.matchAll(/<td>(d\d\d)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(
    compactDetectors,
    Array.from({ length: 13 }, (_, i) => `d${39 - i}`),
    'the best rows by auroc, best first, beside the two arm rows',
  );
  const full = study.slice(study.indexOf('<details>'));
  assert.equal([...full.matchAll(/<td>(d\d\d)<\/td>/g)].length, 40, 'every row behind the toggle');
  assert.match(full, /aa-other/);
});

test('sitePage: facet columns follow the registered boards order, and a compact board ranks the rows pooled over generator and decoding first', () => {
  const detection = (detector: string, generator: string, value: number) =>
    [0, 1].map((seed) =>
      record({
        study: 'alpha',
        arm: 'gen-a',
        seed,
        board: 'detection',
        direction: 'higher',
        metric: 'auroc',
        value,
        details: { facets: { task: 'A', detector, generator, decoding: 'all' } },
      }),
    );
  // 20 pooled rows (generator all) at 0.5-0.69, 20 per-generator slices at a perfect 1.0
  const records = Array.from({ length: 20 }, (_, i) => [
    ...detection(`d${String(i).padStart(2, '0')}`, 'all', 0.5 + i / 100),
    ...detection(`d${String(i).padStart(2, '0')}`, 'lm-b', 1),
  ]).flat();
  const html = sitePage({
    records,
    claims: [],
    plots: [],
    headline: new Map([['alpha', ['detection/auroc']]]),
    preview: false,
    facetOrder: ['task', 'detector', 'generator', 'decoding', 'setting'],
  });
  const study = section(html, 'alpha');
  const compact = study.slice(0, study.indexOf('<details>'));
  const headers = [...compact.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
  assert.deepEqual(headers.slice(0, 5), ['arm', 'task', 'detector', 'generator', 'decoding'], headers.join(' | '));
  const generators = [...compact.matchAll(/<tr><td>gen-a<\/td><td>A<\/td><td>d\d\d<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(generators, Array(15).fill('all'), 'the 15 shown are pooled rows, not the perfect slices');
  assert.match(compact, /<td>d19<\/td>/, 'the best pooled row is shown');
  assert.match(compact, /among the rows over all decoding and generator/);
  const data = JSON.parse(html.slice(html.indexOf('id="data">') + 'id="data">'.length, html.indexOf('</script>', html.indexOf('id="data">'))));
  assert.deepEqual(data.find((b: { board: string }) => b.board === 'detection').facets, ['task', 'detector', 'generator', 'decoding']);
});

test('sitePage: the replication section counts the judged claims per role and verdict (not-run claims left out; none on a preview)', () => {
  const row = (role: 'headline' | 'secondary', verdict: string) => ({ paper: 'P', study: 'alpha', claim: 'c', role, metric: 'm', figure: '', effect: null, interval: null, scale: 'difference' as const, verdict, reason: verdict, seeds: 3, gates: [] });
  const claims = [row('headline', 'invalid regime'), row('headline', 'reproduced'), row('secondary', 'invalid regime'), row('secondary', 'invalid regime'), row('secondary', 'not run')];
  const html = sitePage({ records: studyRecords('alpha'), claims, plots: [], headline: new Map(), preview: false });
  const counts = /<p id="verdict-counts">(.*?)<\/p>/.exec(html)?.[1].replace(/<[^>]+>/g, '');
  assert.equal(counts, '4 claims judged. Headline (one per paper): reproduced 1 invalid regime 1. Secondary: invalid regime 2.');
  assert.doesNotMatch(sitePage({ records: studyRecords('alpha'), claims, plots: [], headline: new Map(), preview: true }), /verdict-counts/);
});
