/**
 * Judges the calibration cells (cells.ts) with the publisher's own verdict code (`judgeClaim`):
 *
 * - A/A: base cells at seeds 2k and 2k + 1 become arms `a` and `b` at seed k (identical config,
 *   different seeds), grouped into studies of S seeds. Each study's verdict should be undecided
 *   about 95% of the time (p >= 0.05), and its MDE is the quick profile's MDE at S seeds.
 * - Planted handicap: each `short-*` arm against `base` at the same seeds (the pairing a real
 *   study has), grouped the same way. Its true size is estimated from all seeds; it should be
 *   detected about 80% of the time or more when it is at least the MDE, and rarely when far below.
 *
 * Studies are formed from disjoint seeds, so the counts below are independent repetitions; with a
 * few dozen cells they are few, and the report prints their binomial 95% interval (Clopper-Pearson).
 * `all pairings` reuses every cell in many overlapping studies: a steadier point estimate, not
 * independent repetitions.
 *
 * Usage: node --conditions=@labbench/source --import tsx tools/calibration/analyse.ts [--results .labbench/calibration/quick/results.jsonl] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineStudy, judgeClaim, planSequentialSeeds, type ResultRecord, Rng, readResults, type StudyClaim, tQuantile } from '@labbench/core';
import { BASE_ARM, METRIC, STUDY } from './study.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = resolve(new URL('../../', import.meta.url).pathname);
const file = resolve(arg('--results') ?? join(root, '.labbench/calibration/quick/results.jsonl'));
const all = readResults(file).filter((r) => r.study === STUDY && r.board === 'ppl' && r.metric === METRIC);
const byArm = new Map<string, Map<number, ResultRecord>>();
for (const r of all) {
  if (!byArm.has(r.arm)) byArm.set(r.arm, new Map());
  byArm.get(r.arm)!.set(r.seed, r);
}
const base = byArm.get(BASE_ARM) ?? new Map<number, ResultRecord>();
const baseSeeds = [...base.keys()].sort((a, b) => a - b);

const judgeStudy = defineStudy({
  id: 'calib',
  version: 1,
  title: 'calibration',
  claim: 'calibration',
  shared: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: { a: {}, b: {} },
  baseline: 'b',
  evaluators: ['perplexity'],
  references: false,
});
const claimOf = (method: string, baseline: string): StudyClaim => ({
  id: 'c',
  text: 'calibration',
  role: 'headline',
  board: 'ppl',
  metric: METRIC,
  method,
  baseline,
  paper: { figure: '-', source: '-' },
});
const as = (r: ResultRecord, arm: string, seed: number, perDocument = true): ResultRecord => {
  const details = perDocument ? r.details : Object.fromEntries(Object.entries(r.details ?? {}).filter(([k]) => !k.startsWith('perDocument')));
  return { ...r, study: 'calib', arm, seed, details };
};

/** P(X <= k) for X ~ Binomial(n, p), summed in the log domain (n is at most a few hundred here). */
function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let logPmf = n * Math.log1p(-p); // P(X = 0)
  let total = Math.exp(logPmf);
  for (let i = 1; i <= k; i++) {
    logPmf += Math.log((n - i + 1) / i) + Math.log(p) - Math.log1p(-p);
    total += Math.exp(logPmf);
  }
  return Math.min(1, total);
}

/** Clopper-Pearson 95% interval of k successes in n (bisection on the binomial tails). */
function binomialInterval(k: number, n: number): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN];
  const solve = (f: (p: number) => number) => {
    // f decreasing in p; its root in [0, 1]
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) > 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const low = k === 0 ? 0 : solve((p) => 0.025 - (1 - binomialCdf(k - 1, n, p)));
  const high = k === n ? 1 : solve((p) => binomialCdf(k, n, p) - 0.025);
  return [low, high];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

interface Judged {
  p: number;
  effect: number;
  mde: number;
  snr: number;
  test: string;
  decided: boolean;
  detected: boolean;
}
function judge(pairs: readonly [ResultRecord, ResultRecord][], perDocument = true): Judged {
  const records = pairs.flatMap(([m, b], k) => [as(m, 'a', k, perDocument), as(b, 'b', k, perDocument)]);
  const j = judgeClaim(judgeStudy, claimOf('a', 'b'), records);
  return { p: j.p!, effect: j.effect!, mde: j.mde!, snr: j.snr!, test: j.test, decided: j.p! < 0.05, detected: j.p! < 0.05 && j.effect! > 0 };
}

/** Disjoint groups of `size` consecutive items. */
const groups = <T>(xs: readonly T[], size: number): T[][] => Array.from({ length: Math.floor(xs.length / size) }, (_, g) => xs.slice(g * size, (g + 1) * size));
/** Every set of `size` items (overlapping), capped by a deterministic stride so it stays cheap. */
function combinations<T>(xs: readonly T[], size: number, cap = 400): T[][] {
  const out: T[][] = [];
  const rec = (start: number, acc: T[]) => {
    if (acc.length === size) {
      out.push(acc);
      return;
    }
    for (let i = start; i < xs.length; i++) rec(i + 1, [...acc, xs[i]]);
  };
  rec(0, []);
  const stride = Math.max(1, Math.ceil(out.length / cap));
  return out.filter((_, i) => i % stride === 0);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = ([lo, hi]: [number, number]) => `[${pct(lo)}, ${pct(hi)}]`;
const summary: Record<string, unknown> = { file, cells: all.length, baseSeeds: baseSeeds.length };
const lines: string[] = [];
const perDoc = base.get(baseSeeds[0])?.details as { documents?: number; tokens?: number } | undefined;
lines.push(`${all.length} records (${baseSeeds.length} base seeds); evaluation set ${perDoc?.documents} documents, ${perDoc?.tokens} tokens`);
lines.push(
  `base ${METRIC}: mean ${mean(baseSeeds.map((s) => base.get(s)!.value)).toFixed(4)}, seed sd ${sd(baseSeeds.map((s) => base.get(s)!.value)).toFixed(4)}`,
);

// A/A: seeds 2k and 2k + 1 of the base arm
const aaPairs: [ResultRecord, ResultRecord][] = [];
for (let i = 0; i + 1 < baseSeeds.length; i += 2) aaPairs.push([base.get(baseSeeds[i])!, base.get(baseSeeds[i + 1])!]);
lines.push(
  '',
  '| A/A, seeds per study | studies (disjoint) | decided | 95% CI | decided, seeds-only t | median MDE | all pairings: studies, decided |',
  '| --- | --- | --- | --- | --- | --- | --- |',
);
const aa: Record<string, unknown>[] = [];
for (const size of [2, 3, 4]) {
  const disjoint = groups(aaPairs, size).map((g) => judge(g));
  if (disjoint.length === 0) continue;
  const seedsOnly = groups(aaPairs, size).map((g) => judge(g, false));
  const overlapping = combinations(aaPairs, size).map((g) => judge(g));
  const k = disjoint.filter((j) => j.decided).length;
  const kSeeds = seedsOnly.filter((j) => j.decided).length;
  const kAll = overlapping.filter((j) => j.decided).length;
  const mde = median(disjoint.map((j) => j.mde));
  aa.push({
    seeds: size,
    studies: disjoint.length,
    decided: k,
    interval: binomialInterval(k, disjoint.length),
    seedsOnlyDecided: kSeeds,
    medianMde: mde,
    mdes: disjoint.map((j) => j.mde),
    tests: [...new Set(disjoint.map((j) => j.test))],
    allPairings: { studies: overlapping.length, decided: kAll },
  });
  lines.push(
    `| ${size} | ${disjoint.length} | ${k} (${pct(k / disjoint.length)}) | ${ci(binomialInterval(k, disjoint.length))} | ${kSeeds} (${pct(kSeeds / disjoint.length)}) | ${mde.toFixed(4)} | ${overlapping.length}, ${pct(kAll / overlapping.length)} |`,
  );
}
summary.aa = aa;

// planted handicaps: short-* against base at the same seeds
const planted: Record<string, unknown>[] = [];
lines.push(
  '',
  '| handicap | true effect (all seeds, sd of paired diff) | seeds per study | studies | median MDE | design MDE | MDE says | detected | 95% CI | all pairings: studies, detected |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const [arm, cells] of [...byArm].filter(([a]) => a !== BASE_ARM).sort()) {
  const seeds = [...cells.keys()].filter((s) => base.has(s)).sort((a, b) => a - b);
  const pairs = seeds.map((s) => [cells.get(s)!, base.get(s)!] as [ResultRecord, ResultRecord]);
  const diffs = pairs.map(([m, b]) => m.value - b.value);
  const truth = mean(diffs);
  for (const size of [2, 3, 4]) {
    const judged = groups(pairs, size).map((g) => judge(g));
    if (judged.length === 0) continue;
    const k = judged.filter((j) => j.detected).length;
    const mde = median(judged.map((j) => j.mde));
    // the MDE of the design at this many seeds with the paired sd measured over all seeds (seed part only)
    const design = ((tQuantile(0.975, size - 1) + tQuantile(0.8, size - 1)) * sd(diffs)) / Math.sqrt(size);
    const overlapping = combinations(pairs, size).map((g) => judge(g));
    const kAll = overlapping.filter((j) => j.detected).length;
    planted.push({
      arm,
      seeds: size,
      trueEffect: truth,
      pairedSd: sd(diffs),
      studies: judged.length,
      detected: k,
      interval: binomialInterval(k, judged.length),
      medianMde: mde,
      designMde: design,
      detectable: truth >= design,
      allPairings: { studies: overlapping.length, detected: kAll },
    });
    lines.push(
      `| ${arm} | ${truth.toFixed(4)} (${sd(diffs).toFixed(4)}) | ${size} | ${judged.length} | ${mde.toFixed(4)} | ${design.toFixed(4)} | ${truth >= design ? 'detectable' : 'below MDE'} | ${k} (${pct(k / judged.length)}) | ${ci(binomialInterval(k, judged.length))} | ${overlapping.length}, ${pct(kAll / overlapping.length)} |`,
    );
  }
}
summary.planted = planted;

/**
 * `--until-decided` on these cells: the pairs in a random order (seeded), a look after each pair
 * from 2 to 8 seeds with planSequentialSeeds (what `labbench run --until-decided` calls), until the
 * study stops. Orderings share cells, so this is a point estimate, not independent repetitions.
 */
const sequentialStudy = { ...judgeStudy, claims: [claimOf('a', 'b')] };
function untilDecided(pairs: readonly [ResultRecord, ResultRecord][], orderings: number, seed: number) {
  const rng = new Rng(seed);
  const decisions: Record<string, number> = {};
  let seedsUsed = 0;
  let detected = 0;
  for (let r = 0; r < orderings; r++) {
    const order = [...pairs];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const records: ResultRecord[] = [];
    for (let k = 0; k < Math.min(8, order.length); k++) {
      records.push(as(order[k][0], 'a', k), as(order[k][1], 'b', k));
      if (k + 1 < 2) continue;
      const [plan] = planSequentialSeeds([sequentialStudy], records, { maxSeeds: 8 });
      if (plan.decision === 'stop' || k + 1 === Math.min(8, order.length)) {
        const c = plan.claims[0];
        decisions[c.decision] = (decisions[c.decision] ?? 0) + 1;
        seedsUsed += k + 1;
        if (c.decision === 'decided' && judgeClaim(sequentialStudy, sequentialStudy.claims[0], records).effect! > 0) detected++;
        break;
      }
    }
  }
  return { orderings, decisions, meanSeeds: seedsUsed / orderings, decidedWorse: detected };
}
{
  lines.push('', '| --until-decided (looks at 2..8 seeds) | orderings | decisions | mean seeds |', '| --- | --- | --- | --- |');
  const sequential: Record<string, unknown> = {};
  const rows: [string, [ResultRecord, ResultRecord][]][] = [['A/A', aaPairs]];
  for (const [arm, cells] of [...byArm].filter(([a]) => a !== BASE_ARM).sort()) {
    rows.push([
      arm,
      [...cells.keys()]
        .filter((s) => base.has(s))
        .sort((a, b) => a - b)
        .map((s) => [cells.get(s)!, base.get(s)!]),
    ]);
  }
  for (const [name, pairs] of rows) {
    if (pairs.length < 8) continue; // fewer pairs than the design's last look
    const out = untilDecided(pairs, 200, 11);
    sequential[name] = out;
    const text = Object.entries(out.decisions)
      .map(([d, n]) => `${d} ${pct(n / out.orderings)}`)
      .join(', ');
    lines.push(`| ${name} | ${out.orderings} | ${text} | ${out.meanSeeds.toFixed(2)} |`);
  }
  summary.sequential = sequential;
}

process.stdout.write(`${lines.join('\n')}\n`);
const json = arg('--json');
if (json) writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
