import type { trainingLineSchema } from './schemas/training.js';
import type { SchemaType } from './schemas/derive.js';
import { writeFileAtomic } from './atomic.js';
import { DataError } from './errors.js';
import { check, type resultRecordSchema } from './schemas.js';
import { parseJsonLine, readInputText } from './json-lines.js';

/** One line of results.jsonl: one metric of one cell (the type of `resultRecordSchema`, fields documented there). */
export interface ResultRecord extends SchemaType<typeof resultRecordSchema> {}

/** Where a record comes from: cell key, sizes, backend, versions, commit, date and profile. */
export type Provenance = ResultRecord['provenance'];

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
    const parsed = parseJsonLine(line);
    if ('problem' in parsed) {
      problems.push({ line: index + 1, where: `line ${index + 1}`, problems: [parsed.problem] });
      return;
    }
    const value = parsed.value;
    const found = check('result', value);
    const r = (value !== null && typeof value === 'object' ? value : {}) as Partial<ResultRecord>; // a line may be any JSON, null included
    const where = `line ${index + 1} (study ${r.study ?? '?'}, arm ${r.arm ?? '?'}, seed ${r.seed ?? '?'}, metric ${r.metric ?? '?'})`;
    if (found.length > 0) problems.push({ line: index + 1, where, problems: found });
    else records.push(value as ResultRecord);
  });
  return { records, problems };
}

/** Reads a results file, throwing a DataError that names the first bad record and field. */
export function readResults(path: string): ResultRecord[] {
  const { records, problems } = validateResultsText(readInputText(path, 'results file'));
  if (problems.length > 0) {
    const first = problems[0];
    throw new DataError(
      `${path} ${first.where}`,
      first.problems.join('; '),
      `Fix or remove the record (${problems.length} invalid in all); 'labbench validate ${path}' lists them.`,
    );
  }
  return records;
}

/** One line of training.jsonl: the training record (loss curves, model statistics) of one cell. */
export interface TrainingLine extends SchemaType<typeof trainingLineSchema> {}

/**
 * Checks every line of a training file against the training schema (with the depth and size
 * limits of results), throwing a DataError naming the first bad line: publish reads all its inputs
 * this way before it writes anything.
 */
export function validateTrainingText(text: string, where: string): TrainingLine[] {
  const lines: TrainingLine[] = [];
  const all = text.split('\n');
  for (let index = 0; index < all.length; index++) {
    if (all[index].trim() === '') continue;
    const parsed = parseJsonLine(all[index]);
    const found = 'problem' in parsed ? [parsed.problem] : check('training', parsed.value);
    if (found.length > 0) {
      throw new DataError(
        `${where} line ${index + 1}`,
        `invalid training record: ${found.slice(0, 3).join('; ')}`,
        'Regenerate the file with `labbench run`, or remove the line; study and arm must be ids like `dense-baseline`.',
      );
    }
    lines.push((parsed as { value: TrainingLine }).value);
  }
  return lines;
}
