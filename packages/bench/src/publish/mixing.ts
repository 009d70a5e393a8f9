import { ConfigError, type ResultRecord } from '@labbench/core';

/** What makes records incomparable on one page: a profile, a study version or a labbench version. */
interface Difference {
  readonly what: string;
  readonly values: ReadonlyMap<string, number>;
}

function countBy(records: readonly ResultRecord[], key: (r: ResultRecord) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

/** The ways `records` mix profiles or versions (empty when they are one consistent set). */
export function mixedDifferences(records: readonly ResultRecord[]): Difference[] {
  const found: Difference[] = [];
  const profiles = countBy(records, (r) => r.provenance.profile);
  if (profiles.size > 1) found.push({ what: 'profiles', values: profiles });
  const versions = countBy(records, (r) => r.provenance.labbenchVersion);
  if (versions.size > 1) found.push({ what: 'labbench versions', values: versions });
  for (const study of new Set(records.map((r) => r.study))) {
    const studyVersions = countBy(records.filter((r) => r.study === study), (r) => `v${r.studyVersion}`);
    if (studyVersions.size > 1) found.push({ what: `versions of study ${study}`, values: studyVersions });
  }
  return found;
}

/**
 * Refuses to publish records of different profiles or incompatible versions side by side (a smoke
 * win rate of 1 beside a quick one reads as a result), unless the user says so with --allow-mixed.
 */
export function assertNotMixed(records: readonly ResultRecord[], allowMixed: boolean): void {
  const differences = mixedDifferences(records);
  if (differences.length === 0 || allowMixed) return;
  const text = differences
    .map((d) => `${d.what} differ: ${[...d.values].map(([value, n]) => `${value} (${n} records)`).join(', ')}`)
    .join('; ');
  throw new ConfigError('publish', `the records mix ${text}.`, 'Publish one profile and version at a time (rerun the older runs, or name only the matching --results files), or pass --allow-mixed to publish them together.');
}
