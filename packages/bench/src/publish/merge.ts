import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { DataError, JSON_LIMITS, facetKey, facetsOf, readInputText, readResults, validateTrainingText, type ResultRecord, type TrainingLine } from '@labbench/core';

export type { TrainingLine } from '@labbench/core';

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
 * Merges records from several runs. When two runs hold the same (study, arm, seed, board, metric,
 * facets) the newer one wins, so re-running a study replaces its rows. The order is canonical, so
 * shards merged in any order give the same file.
 */
export function mergeRecordLists(lists: readonly (readonly ResultRecord[])[]): ResultRecord[] {
  const byKey = new Map<string, ResultRecord>();
  for (const list of lists) {
    for (const record of list) {
      const key = `${recordKey(record)}\u0000${record.board}\u0000${record.metric}\u0000${facetKey(facetsOf(record))}`;
      const existing = byKey.get(key);
      if (!existing || existing.provenance.date <= record.provenance.date) byKey.set(key, record);
    }
  }
  return [...byKey.values()].sort((a, b) =>
    a.study.localeCompare(b.study) || a.arm.localeCompare(b.arm) || a.seed - b.seed || a.board.localeCompare(b.board)
    || a.metric.localeCompare(b.metric) || facetKey(facetsOf(a)).localeCompare(facetKey(facetsOf(b))));
}

/** Reads and merges results files (each validated against the result schema first). */
export function mergeRecords(files: readonly string[]): ResultRecord[] {
  return mergeRecordLists(files.map((file) => readResults(file)));
}

/** Reads a training file, plain (training.jsonl) or gzip-compressed (training.jsonl.gz), validated line by line. */
export function readTraining(path: string): TrainingLine[] {
  if (!path.endsWith('.gz')) return validateTrainingText(readInputText(path, 'training file'), path);
  readInputText(path, 'training file', { ...JSON_LIMITS, maxFileBytes: JSON_LIMITS.maxFileBytes / 10 }); // type and size checks only
  let text: string;
  try {
    // maxOutputLength bounds what a small crafted archive may expand to
    text = gunzipSync(readFileSync(path), { maxOutputLength: JSON_LIMITS.maxFileBytes }).toString('utf8');
  } catch (error) {
    throw new DataError(path, `not a readable gzip file: ${(error as Error).message}.`, 'Delete it (publish rewrites it from training.jsonl files) or restore it from git.');
  }
  return validateTrainingText(text, path);
}

/** The training files that go with a results file: training.jsonl or a published training.jsonl.gz beside it. */
export function trainingFilesBeside(resultFile: string): string[] {
  const dir = dirname(resultFile);
  // the published archive first, so a fresh training.jsonl beside it wins
  return ['training.jsonl.gz', 'training.jsonl'].map((name) => join(dir, name)).filter((path) => existsSync(path));
}

/** Merges training lines; a later list wins for the same (study, arm, seed). */
export function mergeTrainingLists(lists: readonly (readonly TrainingLine[])[]): TrainingLine[] {
  const byKey = new Map<string, TrainingLine>();
  for (const list of lists) for (const line of list) byKey.set(recordKey(line), line);
  return [...byKey.values()].sort((a, b) => recordKey(a).localeCompare(recordKey(b)));
}

/** Training curves written beside each results file (training.jsonl or training.jsonl.gz), merged the same way. */
export function mergeTraining(resultFiles: readonly string[]): TrainingLine[] {
  return mergeTrainingLists(resultFiles.flatMap((file) => trainingFilesBeside(file).map((path) => readTraining(path))));
}
