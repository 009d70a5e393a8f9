import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildPlots, plotFile, roundPathCoordinates, scaleGroups } from '../src/publish/plots.js';
import { svgMarks, trainingLine } from './publish-fixtures.js';

const LONG = ['lm-scaffold-bpe-20000-merges-at-equal-tokens', 'lm-bpe-20000-merges-at-equal-tokens-baseline'];

/** Area marks (the min-max bands over seeds) drawn in an SVG. */
const bands = (svg: string) => svgMarks(svg, 'area');

/** Text of every <text> element of an SVG (legend labels, titles, axis titles). */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

test('plots: every arm is named in full in the legend, and several seeds draw a band under the mean line', async () => {
  const lines = LONG.flatMap((arm) => [0, 1].map((seed) => trainingLine('scaffold-bpe', arm, seed)));
  const plots = await buildPlots([], lines);
  const train = plots.find((p) => p.file === 'scaffold-bpe/train-loss.svg');
  assert.ok(train, plots.map((p) => p.file).join(', '));
  for (const arm of LONG) assert.ok(texts(train.svg).includes(arm), `legend names ${arm} in full: ${texts(train.svg)}`);
  assert.equal(bands(train.svg), LONG.length, 'a band (area) per arm');
  assert.ok(texts(train.svg).includes('training tokens') && texts(train.svg).includes('loss (nats per token)'), 'axis titles');
  const single = await buildPlots(
    [],
    LONG.map((arm) => trainingLine('scaffold-bpe', arm, 0)),
  );
  assert.equal(bands(single[0].svg), 0, 'one seed: no band');
});

test('plots: objectives on different scales (2, 6 and 12 nats) get one plot each, so each axis has one scale', async () => {
  const lines = [
    ['mlm', 2],
    ['mae', 6],
    ['contrastive', 12],
  ].flatMap(([arm, start]) => [0, 1].map((seed) => trainingLine('dial-mae', arm as string, seed, start as number)));
  const plots = (await buildPlots([], lines)).filter((p) => p.file.includes('train-loss'));
  assert.deepEqual(
    plots.map((p) => p.file),
    ['dial-mae/train-loss-1.svg', 'dial-mae/train-loss-2.svg', 'dial-mae/train-loss-3.svg'],
  );
  assert.ok(plots[0].title.endsWith('mlm') && plots[2].title.endsWith('contrastive'), plots.map((p) => p.title).join(' | '));
  assert.ok(texts(plots[0].svg).includes('mlm') && !texts(plots[0].svg).includes('contrastive'), 'each legend lists only the arms its plot draws');
});

test('plots: bar charts of model statistics have axis titles, never "index" or "value"', async () => {
  const line = trainingLine('maskmoe', 'masked', 0);
  const withStats = { ...line, training: { ...line.training, modelStats: { 'moe.tokensPerExpert.layer0': [10, 20, 30, 40] } } };
  const [stat] = (await buildPlots([], [withStats])).filter((p) => p.file.includes('stat-'));
  const words = texts(stat.svg);
  assert.ok(words.includes('expert') && words.includes('tokens per expert'), words.join(' | '));
  assert.ok(!words.includes('index') && !words.includes('value'));
});

test('scaleGroups: for any arms and positive losses, every arm is in exactly one group and no group spans more than a factor of 2', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.double({ min: 0.01, max: 100, noNaN: true }), { minKeys: 1, maxKeys: 10 }), (losses) => {
      const rows = Object.entries(losses).map(([arm, mean]) => ({ arm, mean }));
      const groups = scaleGroups(rows);
      assert.deepEqual(groups.flat().sort(), Object.keys(losses).sort());
      for (const g of groups) {
        const values = g.map((a) => losses[a]);
        assert.ok(Math.max(...values) <= 2 * Math.min(...values) * (1 + 1e-12), JSON.stringify(g));
      }
    }),
    { numRuns: 300 },
  );
});

test('plotFile: for any study and plot name, the path stays inside plots/ or the name is refused', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (study, name) => {
      let path: string;
      try {
        path = plotFile(study, name);
      } catch (error) {
        assert.equal((error as { exitCode?: number }).exitCode, 2);
        return;
      }
      assert.ok(!path.includes('..') && !path.startsWith('/') && path.split('/').length === 2, path);
    }),
    { numRuns: 500 },
  );
  // found by this property (seed 592951089): a name ending in a dot made `0..svg`
  assert.throws(
    () => plotFile('0', '0.'),
    (e: { exitCode?: number }) => e.exitCode === 2,
  );
});

test('plots: validation curves are drawn against the unigram and bigram reference levels of the study', async () => {
  const { record } = await import('./publish-fixtures.js');
  const refs = [
    record({ study: 'dense-baseline', arm: 'ref-bigram', metric: 'id.all.token_ppl', value: Math.exp(4) }),
    record({ study: 'dense-baseline', arm: 'ref-unigram', metric: 'id.all.token_ppl', value: Math.exp(5) }),
  ];
  const plots = await buildPlots(
    refs,
    [0, 1].map((seed) => trainingLine('dense-baseline', 'swiglu', seed)),
  );
  const valid = plots.find((p) => p.file === 'dense-baseline/valid-loss.svg')!;
  assert.ok(texts(valid.svg).includes('ref-bigram (test loss)') && texts(valid.svg).includes('ref-unigram (test loss)'), texts(valid.svg).join(' | '));
  assert.equal(svgMarks(valid.svg, 'rule'), 2, 'one dashed rule per reference');
  const train = plots.find((p) => p.file === 'dense-baseline/train-loss.svg')!;
  assert.ok(!texts(train.svg).some((t) => t.startsWith('ref-')), 'training curves have no reference levels');
});

test('plots: a bar chart of several arms (one arm of the study without the statistic) names each drawn arm and renders without Vega warnings', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const withStats = (arm: string, seed: number) => {
    const line = trainingLine('maskmoe', arm, seed);
    return { ...line, training: { ...line.training, modelStats: { 'moe.tokensPerExpert.layer0': [10, 20, 30 + seed] } } };
  };
  const lines = [...['hash', 'maskmoe', 'smoe'].flatMap((arm) => [0, 1].map((seed) => withStats(arm, seed))), trainingLine('maskmoe', 'knockout-routing', 0)];
  const [stat] = (await buildPlots([], lines)).filter((p) => p.file.includes('stat-'));
  for (const arm of ['hash', 'maskmoe', 'smoe']) assert.ok(texts(stat.svg).includes(arm), `legend names ${arm}`);
  assert.ok(!texts(stat.svg).includes('knockout-routing'), 'the arm without the statistic is not in the legend');
  assert.equal(warn.mock.callCount(), 0, warn.mock.calls.map((c) => String(c.arguments[0])).join(' | '));
});

test('roundPathCoordinates: path numbers move by at most 0.05 px, text and other attributes keep every digit', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.double({ min: 0, max: 10, noNaN: true }), (xs, label) => {
    const d = xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(3)},${(x / 2).toFixed(3)}`).join('');
    const text = `<text x="1.234">${label.toFixed(4)}</text>`;
    const out = roundPathCoordinates(`<svg><path d="${d}"/>${text}</svg>`);
    assert.ok(out.endsWith(`${text}</svg>`), 'text untouched');
    const before = d.match(/-?\d+\.\d+/g)!.map(Number);
    const after = out.match(/ d="([^"]*)"/)![1].match(/-?\d+(\.\d+)?/g)!.map(Number);
    assert.equal(after.length, before.length);
    after.forEach((v, i) => assert.ok(Math.abs(v - before[i]) <= 0.05 + 1e-9, `${before[i]} -> ${v}`));
  }));
});
