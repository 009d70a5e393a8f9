import { readFileSync } from 'node:fs';
import type { Board, MetricRecord } from './contracts/evaluator.js';
import type { ProfileName } from './profiles.js';
import { writeFileAtomic } from './atomic.js';
import { DataError } from './errors.js';
import { check } from './schemas.js';

export interface Provenance {
  readonly cellKey: string;
  readonly configHash: string;
  readonly paramsTotal: number;
  readonly paramsActive: number;
  readonly flopsPerTokenTrain: number;
  readonly flopsPerTokenInference: number;
  readonly tokens: number;
  readonly backend: 'tensorflow' | 'tensorflow-gpu' | 'wasm' | 'cpu' | 'none';
  readonly nativeKernels: boolean;
  readonly labbenchVersion: string;
  readonly plugins: Readonly<Record<string, string>>;
  readonly gitCommit: string;
  readonly date: string;
  readonly profile: ProfileName;
  readonly wallSeconds?: number;
}

/** One line of results.jsonl: one metric of one cell. */
export interface ResultRecord extends MetricRecord {
  readonly schema: 'labbench.result/v1';
  readonly study: string;
  readonly studyVersion: number;
  readonly arm: string;
  readonly seed: number;
  readonly board: Board;
  readonly provenance: Provenance;
}

export function writeResults(path: string, records: readonly ResultRecord[]): void {
  writeFileAtomic(path, records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
}

export interface RecordProblem {
  readonly line: number;
  readonly where: string;
  readonly problems: readonly string[];
}

/** Checks every line of a results file; returns the problems per line (empty when all are valid). */
export function validateResultsText(text: string): { records: ResultRecord[]; problems: RecordProblem[] } {
  const records: ResultRecord[] = [];
  const problems: RecordProblem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({ line: index + 1, where: `line ${index + 1}`, problems: [`not JSON: ${(error as Error).message}`] });
      return;
    }
    const found = check('result', value);
    const r = value as Partial<ResultRecord>;
    const where = `line ${index + 1} (study ${r.study ?? '?'}, arm ${r.arm ?? '?'}, seed ${r.seed ?? '?'}, metric ${r.metric ?? '?'})`;
    if (found.length > 0) problems.push({ line: index + 1, where, problems: found });
    else records.push(value as ResultRecord);
  });
  return { records, problems };
}

/** Reads a results file, throwing a DataError that names the first bad record and field. */
export function readResults(path: string): ResultRecord[] {
  const { records, problems } = validateResultsText(readFileSync(path, 'utf8'));
  if (problems.length > 0) {
    const first = problems[0];
    throw new DataError(`${path} ${first.where}`, first.problems.join('; '), `Fix or remove the record (${problems.length} invalid in all); 'labbench validate ${path}' lists them.`);
  }
  return records;
}
