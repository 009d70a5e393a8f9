import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readResults, type ResultRecord, type TrainingRecord } from '@labbench/core';

/** Every results.jsonl directly in `dir` or one folder below it. */
export function findResultFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const direct = join(dir, 'results.jsonl');
  const nested = readdirSync(dir)
    .map((name) => join(dir, name, 'results.jsonl'))
    .filter((path) => existsSync(path) && statSync(path).isFile());
  return [...(existsSync(direct) ? [direct] : []), ...nested].sort();
}

const recordKey = (r: { study: string; arm: string; seed: number }) => `${r.study}\u0000${r.arm}\u0000${r.seed}`;

/**
 * Merges records from several runs. When two runs hold the same (study, arm, seed, metric) the
 * newer one wins, so re-running a study replaces its rows. The order is canonical, so shards
 * merged in any order give the same file.
 */
export function mergeRecords(files: readonly string[]): ResultRecord[] {
  const byKey = new Map<string, ResultRecord>();
  for (const file of files) {
    for (const record of readResults(file)) {
      const key = `${recordKey(record)}\u0000${record.board}\u0000${record.metric}`;
      const existing = byKey.get(key);
      if (!existing || existing.provenance.date <= record.provenance.date) byKey.set(key, record);
    }
  }
  return [...byKey.values()].sort((a, b) =>
    a.study.localeCompare(b.study) || a.arm.localeCompare(b.arm) || a.seed - b.seed || a.board.localeCompare(b.board) || a.metric.localeCompare(b.metric));
}

export interface TrainingLine {
  readonly study: string;
  readonly arm: string;
  readonly seed: number;
  readonly training: TrainingRecord;
}

/** Training curves written beside each results file (training.jsonl), merged the same way. */
export function mergeTraining(resultFiles: readonly string[]): TrainingLine[] {
  const byKey = new Map<string, TrainingLine>();
  for (const file of resultFiles) {
    const path = join(dirname(file), 'training.jsonl');
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const parsed = JSON.parse(line) as TrainingLine;
      byKey.set(recordKey(parsed), parsed);
    }
  }
  return [...byKey.values()].sort((a, b) => recordKey(a).localeCompare(recordKey(b)));
}
