/**
 * Does averaging the final evaluation over the last few checkpoints lower seed noise? Trains the
 * calibration study's base arm (study.ts: the dense ReLU baseline) exactly as a harness cell does
 * (same tokenizer, token stream, model factory, budget and trainer; the final value equals the
 * cell's), keeps a copy of the weights at the last K checkpoints (every `--every` steps up to the
 * end), and scores each with the perplexity evaluator on the profile's evaluation set. Per seed:
 *
 *   final        the cell's value (the last step)
 *   mean-last-3  the mean of the evaluations at the last 3 checkpoints
 *   mean-last-K  the mean over all K
 *   weights-K    one evaluation of the weights averaged over the K checkpoints (LAWA)
 *
 * and over seeds: mean, seed sd, and the ratio of each sd to the final one with a bootstrap
 * interval over seeds (the sds share their seeds, so their ratio is much steadier than either).
 *
 * Usage (under nice; a measurement):
 *   node --conditions=@labbench/source --import tsx tools/calibration/checkpoint-average.ts --profile quick --seeds 16 [--every 10] [--keep 5] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ContentStore, createCellContext, getProfile, type LanguageModel, plannedCell, Rng } from '@labbench/core';
import { BASE_ARM, calibrationRegistry, METRIC, STUDY } from './study.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

process.env.LABBENCH_NATIVE_THREADS = '1';
const root = resolve(new URL('../../', import.meta.url).pathname);
const profile = getProfile(arg('--profile') ?? 'quick');
const seeds = Number(arg('--seeds') ?? 16);
const firstSeed = Number(arg('--first-seed') ?? 0);
const every = Number(arg('--every') ?? Math.max(1, Math.round(profile.steps / 30)));
const keep = Number(arg('--keep') ?? 5);
const state = process.env.LABBENCH_HOME ? resolve(process.env.LABBENCH_HOME) : join(root, '.labbench');

const { createEngine, initBackend, trainModel, tf } = await import('@labbench/tensor');
const { createDataProvider } = await import('@labbench/corpora');
const info = await initBackend('auto');
const registry = await calibrationRegistry(root, []);
const engine = createEngine(info);
const data = createDataProvider({ cacheDir: join(state, 'datasets') });
const ctx = createCellContext({ registry, engine, data, profile, store: new ContentStore(join(state, 'cache')), codeEntries: [] });
const evaluator = registry.get('evaluator', 'perplexity');

async function score(model: LanguageModel, tokenizer: Parameters<typeof engine.scorer>[1], seed: number): Promise<number> {
  const out = await evaluator.evaluate(
    { tokenizer, model, scorer: engine.scorer(model, tokenizer, profile.batchSize) },
    {
      seed,
      limits: profile.eval,
      data: data.evalData(profile.eval),
      options: {},
      log: () => {},
    },
  );
  const hit = out.find((r) => r.board === 'ppl' && r.metric === METRIC);
  if (!hit) throw new Error(`the perplexity evaluator wrote no ${METRIC}`);
  return hit.value;
}

interface Row {
  seed: number;
  steps: number[];
  values: number[];
  final: number;
  meanLast3: number;
  meanLastK: number;
  weightsK: number;
}
const rows: Row[] = [];
const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
  const cell = plannedCell(ctx, STUDY, BASE_ARM, seed, seed + 1);
  const { arm } = cell;
  const tokenizer = await ctx.tokens.tokenizer(arm);
  const stream = await ctx.tokens.streams(arm, seed);
  const budget = {
    steps: profile.steps,
    batchSize: profile.batchSize,
    seqLen: profile.seqLen,
    learningRate: profile.learningRate,
    warmupSteps: profile.warmupSteps,
    weightDecay: profile.weightDecay,
    checkpoints: Math.min(profile.checkpoints, profile.steps),
  };
  const factory = registry.get('model', arm.model);
  const model = factory.create(
    { ...profile.model, ...(arm.modelConfig ?? {}) },
    { vocabSize: tokenizer.vocabSize, seqLen: budget.seqLen, seed, tokenCounts: stream.counts },
  );
  const snapshotSteps = Array.from({ length: keep }, (_, i) => budget.steps - (keep - 1 - i) * every);
  const snapshots: { step: number; weights: import('@labbench/tensor').tf.Tensor[] }[] = [];
  const t0 = performance.now();
  await trainModel(
    {
      model: factory,
      modelConfig: {},
      loss: registry.get('loss', arm.loss),
      lossConfig: arm.lossConfig ?? {},
      tokenizer,
      trainTokens: stream.train,
      validTokens: stream.valid,
      oodTokens: stream.ood,
      tokenCounts: stream.counts,
      budget,
      seed,
      onProgress: (p) => {
        if (snapshotSteps.includes(p.step)) snapshots.push({ step: p.step, weights: model.variables.map((v) => tf.clone(v)) });
      },
    },
    model,
  );
  const vars = model.variables as import('@labbench/tensor').tf.Variable[];
  const values: number[] = [];
  for (const s of snapshots) {
    vars.forEach((v, i) => v.assign(s.weights[i]));
    values.push(await score(model, tokenizer, seed));
  }
  // weights averaged over the K snapshots (the last one is the final model)
  const averaged = vars.map((_, i) => tf.tidy(() => tf.div(tf.addN(snapshots.map((s) => s.weights[i])), snapshots.length)));
  vars.forEach((v, i) => v.assign(averaged[i]));
  const weightsK = await score(model, tokenizer, seed);
  tf.dispose([...averaged, ...snapshots.flatMap((s) => s.weights)]);
  model.dispose();
  const row = {
    seed,
    steps: snapshots.map((s) => s.step),
    values,
    final: values[values.length - 1],
    meanLast3: mean(values.slice(-3)),
    meanLastK: mean(values),
    weightsK,
  };
  rows.push(row);
  process.stderr.write(
    `seed ${seed}: final ${row.final.toFixed(4)}, last-3 ${row.meanLast3.toFixed(4)}, last-${keep} ${row.meanLastK.toFixed(4)}, weights-${keep} ${weightsK.toFixed(4)} (steps ${row.steps.join(',')}; ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
}

const sd = (xs: readonly number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const variants = {
  final: (r: Row) => r.final,
  'mean-last-3': (r: Row) => r.meanLast3,
  [`mean-last-${keep}`]: (r: Row) => r.meanLastK,
  [`weights-${keep}`]: (r: Row) => r.weightsK,
};
const rng = new Rng(17);
const boot = Array.from({ length: 2000 }, () => Array.from({ length: rows.length }, () => rows[rng.int(0, rows.length - 1)]));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};
const lines = [
  `${rows.length} seeds, ${profile.name} profile, checkpoints at steps ${rows[0]?.steps.join(', ')} (every ${every} of ${profile.steps})`,
  '',
  '| evaluation | mean | seed sd | sd / final sd | 95% bootstrap interval |',
  '| --- | --- | --- | --- | --- |',
];
const summary: Record<string, unknown> = { profile: profile.name, seeds: rows.length, every, keep, rows };
for (const [name, f] of Object.entries(variants)) {
  const values = rows.map(f);
  const ratio = sd(values) / sd(rows.map(variants.final));
  const ratios = boot.map((b) => sd(b.map(f)) / sd(b.map(variants.final))).filter(Number.isFinite);
  const interval = [quantile(ratios, 0.025), quantile(ratios, 0.975)];
  summary[name] = { mean: mean(values), sd: sd(values), ratio, interval };
  lines.push(
    `| ${name} | ${mean(values).toFixed(4)} | ${sd(values).toFixed(4)} | ${ratio.toFixed(3)} | [${interval[0].toFixed(3)}, ${interval[1].toFixed(3)}] |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
const json = arg('--json');
if (json) writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
