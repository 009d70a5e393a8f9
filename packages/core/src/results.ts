import type { trainingLineSchema } from './schemas/training.js';
import type { SchemaType } from './schemas/derive.js';
import { writeFileAtomic } from './atomic.js';
import { DataError } from './errors.js';
import { check, type gateRecordSchema, type resultRecordSchema } from './schemas.js';
import { parseJsonLine, readInputText } from './json-lines.js';

/** One line of results.jsonl: one metric of one cell (the type of `resultRecordSchema`, fields documented there). */
export interface ResultRecord extends SchemaType<typeof resultRecordSchema> {}

/** Where a record comes from: cell key, sizes, backend, versions, commit, date and profile. */
export type Provenance = ResultRecord['provenance'];

/** A `labbench.gate/v1` line of results.jsonl: one validity gate of one claim, measured after the run (`gateRecordSchema`). */
export interface GateRecord extends SchemaType<typeof gateRecordSchema> {}

/** Result records, then the run's gate records (when it measured any), one JSON object per line. */
export function writeResults(path: string, records: readonly ResultRecord[], gates: readonly GateRecord[] = []): void {
  const lines = [...records, ...gates].map((r) => JSON.stringify(r));
  writeFileAtomic(path, lines.join('\n') + (lines.length ? '\n' : ''));
}

export interface RecordProblem {
  readonly line: number;
  readonly where: string;
  readonly problems: readonly string[];
}

/**
 * Checks every line of a results file, each against its own schema (a result record, or a gate
 * record when its `schema` says so); returns both kinds and the problems per line (empty when
 * all are valid).
 */
export function validateResultsText(text: string): { records: ResultRecord[]; gates: GateRecord[]; problems: RecordProblem[] } {
  const records: ResultRecord[] = [];
  const gates: GateRecord[] = [];
  const problems: RecordProblem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseJsonLine(line);
    if ('problem' in parsed) {
      problems.push({ line: index + 1, where: `line ${index + 1}`, problems: [parsed.problem] });
      return;
    }
    const value = parsed.value;
    const r = (value !== null && typeof value === 'object' ? value : {}) as Partial<ResultRecord> & Partial<GateRecord>; // a line may be any JSON, null included
    if (r.schema === 'labbench.gate/v1') {
      const found = check('gate', value);
      const where = `line ${index + 1} (gate record: study ${r.study ?? '?'}, claim ${r.claim ?? '?'}, gate ${r.gate ?? '?'})`;
      if (found.length > 0) problems.push({ line: index + 1, where, problems: found });
      else gates.push(value as GateRecord);
      return;
    }
    const found = check('result', value);
    const where = `line ${index + 1} (study ${r.study ?? '?'}, arm ${r.arm ?? '?'}, seed ${r.seed ?? '?'}, metric ${r.metric ?? '?'})`;
    if (found.length > 0) problems.push({ line: index + 1, where, problems: found });
    else records.push(value as ResultRecord);
  });
  return { records, gates, problems };
}

/**
 * Reads a results file's result records (its gate records are checked too, and left out: a
 * verdict is always recomputed from records), throwing a DataError that names the first bad
 * line and field.
 */
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
