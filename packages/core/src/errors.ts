/**
 * One error type for everything a user can fix. `where` names the file and JSON path, `what` the
 * problem with the actual value, `fix` what to do. Only the CLI maps errors to exit codes.
 */
export class LabbenchError extends Error {
  readonly where: string;
  readonly what: string;
  readonly fix: string;
  /** Exit code the CLI uses: 2 for bad input, 1 for a failed run. */
  readonly exitCode: 1 | 2;

  constructor(where: string, what: string, fix: string, exitCode: 1 | 2 = 2) {
    super(`${where}: ${what}${fix ? `\n  ${fix}` : ''}`);
    this.name = new.target.name;
    this.where = where;
    this.what = what;
    this.fix = fix;
    this.exitCode = exitCode;
  }
}

/** A config, suite or study that does not pass its schema or refers to something unknown. */
export class ConfigError extends LabbenchError {}
/** Input data (results, corpora, caches) that is malformed. */
export class DataError extends LabbenchError {}
/** A plugin breaking its contract (wrong shapes, duplicate ids). */
export class ContractError extends LabbenchError {}
/** Unknown or duplicate plugin, study or component ids. */
export class RegistryError extends LabbenchError {}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** "Did you mean 'x'? Known: a, b, c." for an unknown id. */
export function suggest(unknown: string, known: readonly string[]): string {
  const close = known
    .map((k) => ({ k, d: editDistance(unknown, k) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(unknown.length / 3)))
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k));
  const hint = close.length > 0 ? `Did you mean '${close[0].k}'? ` : '';
  return `${hint}Known: ${[...known].sort().join(', ') || '(none)'}.`;
}
