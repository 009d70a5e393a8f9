import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ResultRecord, TrainingLine } from '@labbench/core';

const hex = (seed: number) => seed.toString(16).padStart(2, '0').repeat(32);

/** A schema-valid result record; override any field. */
export function record(
  fields: Partial<ResultRecord> & { study: string; arm: string; metric: string; value: number },
  provenance: Partial<ResultRecord['provenance']> = {},
): ResultRecord {
  return {
    schema: 'labbench.result/v1',
    studyVersion: 1,
    seed: 0,
    board: 'ppl',
    direction: 'lower',
    n: 100,
    ...fields,
    provenance: {
      cellKey: hex(fields.seed ?? 0),
      configHash: hex(7),
      paramsTotal: 1000,
      paramsActive: 1000,
      flopsPerTokenTrain: 6000,
      flopsPerTokenInference: 2000,
      tokens: 5000,
      backend: 'cpu',
      nativeKernels: false,
      labbenchVersion: '0.1.0',
      plugins: {},
      gitCommit: 'abcdef0123456789',
      date: '2026-12-01T10:00:00.000Z',
      profile: 'quick',
      ...provenance,
    },
  } as ResultRecord;
}

/** Two arms x two seeds of a study on one board: the smallest set with intervals and ranks. */
export function studyRecords(
  study: string,
  options: { board?: ResultRecord['board']; metric?: string; profile?: 'smoke' | 'quick' | 'full'; arms?: string[] } = {},
): ResultRecord[] {
  const arms = options.arms ?? ['base', 'method'];
  return arms.flatMap((arm, a) =>
    [0, 1].map((seed) =>
      record(
        { study, arm, seed, board: options.board ?? 'ppl', metric: options.metric ?? 'id.all.bits_per_byte', value: 2 + a * 0.1 + seed * 0.01 },
        { profile: options.profile ?? 'quick' },
      ),
    ),
  );
}

/** A training line whose loss falls from `start` over 5 logged points. */
export function trainingLine(study: string, arm: string, seed: number, start = 5): TrainingLine {
  const curve = [0, 1, 2, 3, 4].map((i) => ({ step: i * 10, tokens: i * 1000, value: start - i * 0.5 + seed * 0.05 }));
  return {
    study,
    arm,
    seed,
    training: { steps: 40, tokens: 4000, wallSeconds: 1, trainLoss: curve, validLoss: curve, positionLosses: [], modelStats: {} },
  };
}

export const jsonl = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join('\n') + '\n';

/** Writes a run folder (results.jsonl and optionally training.jsonl); returns the results path. */
export function writeRun(dir: string, records: readonly unknown[], training?: readonly unknown[] | string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.jsonl'), jsonl(records));
  if (training !== undefined) writeFileSync(join(dir, 'training.jsonl'), typeof training === 'string' ? training : jsonl(training));
  return join(dir, 'results.jsonl');
}

/** Every file under `dir` with its content, for before/after comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** A bare workspace (no plugins): publish's default folders land inside it, never in the real one. */
export function bareWorkspace(root: string): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bare', private: true, workspaces: [] }));
  return root;
}

/**
 * How many marks of a kind a rendered plot draws (Vega's SVG puts each mark kind in a
 * `mark-<kind> role-mark` group): `area` counts the bands, `rule` the reference lines.
 */
export function svgMarks(svg: string, kind: 'area' | 'rule' | 'line'): number {
  const element = kind === 'rule' ? 'line' : 'path';
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs'))];
  return groups.reduce((n, g) => n + (g[1].match(new RegExp(`<${element}[ >]`, 'g')) ?? []).length, 0);
}
