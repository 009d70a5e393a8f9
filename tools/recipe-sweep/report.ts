/**
 * Tables and plots of the recipe sweep for docs/recipe.md: reads `<dir>/<plan>.jsonl` and
 * `<dir>/parity.json`, writes `<dir>/<plan>-curves.svg` (validation loss against the unigram and
 * bigram lines), `<dir>/parity.svg` (labbench and PyTorch training loss on the same batches) and
 * prints the markdown tables.
 *
 * Usage: node --conditions=@labbench/source --import tsx tools/recipe-sweep/report.ts [--dir docs/recipe]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { argValue } from './configs.js';

const root = new URL('../../', import.meta.url).pathname;
const dir = argValue('--dir') ?? join(root, 'docs/recipe');

async function svg(spec: Record<string, unknown>): Promise<string> {
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 520, height: 260, config: { legend: { labelLimit: 0 } }, ...spec } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  const out = await view.toSVG();
  view.finalize();
  return out;
}

interface Line {
  name: string; factor: string; config: Record<string, number | string>; bitsPerByte: number; trainTokens: number; evalTokens: number; evalDocuments: number;
  trainSeconds: number; evalSeconds: number; references: { kind: string; bitsPerByte: number; validNats: number }[];
  valid: { step: number; tokens: number; value: number }[];
  streamReferences?: unknown;
}

const read = (plan: string): Line[] => existsSync(join(dir, `${plan}.jsonl`)) ? readFileSync(join(dir, `${plan}.jsonl`), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
/**
 * A line's count-model references on its own budget's tokens. Lines written before the sweep
 * scored references on the budget (no `streamReferences` field) carry whole-stream ones instead;
 * they take the budget references of a later line with the same budget and data.
 */
let current: Line[] = [];
const ref = (l: Line, kind: string) => {
  const source = l.streamReferences ? l : current.find((m) => m.streamReferences && m.trainTokens === l.trainTokens) ?? l;
  return source.references.find((r) => r.kind === kind)!;
};
const csvCell = (v: unknown) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));

for (const plan of ['quick', 'budget', 'optimiser', 'tokens', 'v1024', 'v2048']) {
  const lines = read(plan);
  if (lines.length === 0) continue;
  current = lines;
  const header = ['name', 'factor', 'dModel', 'layers', 'steps', 'batchSize', 'seqLen', 'trainTokens', 'learningRate', 'warmupSteps', 'initStd', 'embeddingScale', 'activation', 'ffnHidden', 'seed',
    'bitsPerByte', 'unigramBpb', 'bigramBpb', 'marginOverBigram', 'evalTokens', 'evalDocuments', 'trainSeconds', 'evalSeconds'];
  const csv = lines.map((l) => {
    const c = l.config;
    const bi = ref(l, 'bigram').bitsPerByte;
    return [l.name, l.factor, c.dModel, c.layers, c.steps, c.batchSize, c.seqLen, l.trainTokens, c.learningRate, c.warmupSteps, c.initStd, c.embeddingScale ?? 'sqrt-d', c.activation, c.ffnHidden, c.seed,
      l.bitsPerByte.toFixed(4), ref(l, 'unigram').bitsPerByte.toFixed(4), bi.toFixed(4), (bi - l.bitsPerByte).toFixed(4), l.evalTokens, l.evalDocuments, l.trainSeconds.toFixed(1), l.evalSeconds.toFixed(1)].map(csvCell).join(',');
  });
  writeFileSync(join(dir, `${plan}.csv`), [header.join(','), ...csv].join('\n') + '\n');
  console.log(`\n### ${plan}\n\n| run | factor | d | layers | train tokens | bits/byte | unigram | bigram | margin over bigram | eval tokens (docs) | train s | eval s |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const l of lines) {
    const bi = ref(l, 'bigram').bitsPerByte;
    console.log(`| ${l.name} | ${l.factor} | ${l.config.dModel} | ${l.config.layers} | ${l.trainTokens.toLocaleString('en')} | ${l.bitsPerByte.toFixed(3)} | ${ref(l, 'unigram').bitsPerByte.toFixed(3)} | ${bi.toFixed(3)} | ${(bi - l.bitsPerByte).toFixed(3)} | ${l.evalTokens.toLocaleString('en')} (${l.evalDocuments}) | ${l.trainSeconds.toFixed(0)} | ${l.evalSeconds.toFixed(0)} |`);
  }
  // learning curves: validation NLL (nats/token on the trainer's validation windows) against the count models on the same targets
  const rows: Record<string, string | number>[] = [];
  const drawn = new Set<string>();
  for (const l of lines) {
    for (const p of l.valid) rows.push({ run: l.name, tokens: p.tokens, nats: p.value, kind: 'dense' });
    const last = l.valid.at(-1)?.tokens ?? l.trainTokens;
    for (const kind of ['unigram', 'bigram']) {
      const r = ref(l, kind);
      const name = `${kind} @ ${(l.trainTokens / 1e6).toFixed(2)}M tokens`;
      if (!Number.isFinite(r.validNats) || drawn.has(name)) continue;
      drawn.add(name);
      rows.push({ run: `${kind} @ ${(l.trainTokens / 1e6).toFixed(2)}M tokens`, tokens: 0, nats: r.validNats, kind });
      rows.push({ run: `${kind} @ ${(l.trainTokens / 1e6).toFixed(2)}M tokens`, tokens: last, nats: r.validNats, kind });
    }
  }
  const spec = {
    title: `Validation loss of the dense baseline (${plan} sweep) against count models on the same tokens`,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'tokens', type: 'quantitative', title: 'training tokens' },
      y: { field: 'nats', type: 'quantitative', title: 'validation NLL (nats/token)', scale: { zero: false } },
      color: { field: 'run', type: 'nominal' },
      strokeDash: { field: 'kind', type: 'nominal', scale: { domain: ['dense', 'unigram', 'bigram'], range: [[1, 0], [2, 2], [6, 3]] } },
    },
  };
  writeFileSync(join(dir, `${plan}-curves.svg`), await svg(spec));
}

if (existsSync(join(dir, 'parity.json'))) {
  const parity = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8'));
  // labbench logs the loss of every k-th step; PyTorch logs every step. Compare the same steps
  // (single-step losses of the same batches), each smoothed by a 5-point moving average.
  const steps: number[] = parity.labbench.trainLoss.map((p: { step: number }) => p.step);
  const torchAt = new Map<number, number>(parity.pytorch.trainLoss.map((p: { step: number; value: number }) => [p.step, p.value]));
  const smooth = (values: number[]) => values.map((_, i) => { const w = values.slice(Math.max(0, i - 2), i + 3); return w.reduce((a, b) => a + b, 0) / w.length; });
  const ours = smooth(parity.labbench.trainLoss.map((p: { value: number }) => p.value));
  const theirs = smooth(steps.map((st) => torchAt.get(st)!));
  const rows = [
    ...steps.map((step, i) => ({ step, value: ours[i], engine: 'labbench (tfjs wasm + native kernels)' })),
    ...steps.map((step, i) => ({ step, value: theirs[i], engine: `PyTorch ${parity.pytorch.torch}` })),
  ];
  writeFileSync(join(dir, 'parity.svg'), await svg({
    title: 'Same configuration, same batches: training loss at the same steps (5-point moving average)', data: { values: rows }, mark: 'line',
    encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'value', type: 'quantitative', title: 'training loss (nats/token)', scale: { zero: false } }, color: { field: 'engine', type: 'nominal' } },
  }));
  console.log(`\nparity: labbench ${parity.labbench.bitsPerByte.toFixed(4)} bpb in ${parity.labbench.trainSeconds.toFixed(0)} s, PyTorch ${parity.pytorch.bitsPerByte.toFixed(4)} bpb in ${parity.pytorch.trainSeconds.toFixed(0)} s`);
}
