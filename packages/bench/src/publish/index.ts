import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeLeaderboards, writeResults, type Registry, type ResultRecord } from '@labbench/core';
import type { TrainingLine } from './merge.js';
import { buildPlots } from './plots.js';
import { judgeAll, replicationReport } from './replication.js';
import { siteData, sitePage } from './site.js';

export { findResultFiles, mergeRecords, mergeTraining } from './merge.js';

/** Writes everything a published leaderboard folder holds; returns the files written. */
export async function publishLeaderboards(registry: Registry, records: readonly ResultRecord[], training: readonly TrainingLine[], outDir: string): Promise<string[]> {
  const written: string[] = [];
  writeResults(join(outDir, 'results.jsonl'), records);
  written.push(join(outDir, 'results.jsonl'));
  written.push(...writeLeaderboards(records, outDir));
  const claims = judgeAll(registry, records);
  writeFileAtomic(join(outDir, 'REPLICATION.md'), replicationReport(registry, records, claims));
  written.push(join(outDir, 'REPLICATION.md'));
  const plots = await buildPlots(records, training);
  rmSync(join(outDir, 'plots'), { recursive: true, force: true }); // plots of studies no longer present must not linger
  for (const plot of plots) writeFileAtomic(join(outDir, 'plots', plot.file), plot.svg);
  const dates = records.map((r) => r.provenance.date).sort();
  writeFileAtomic(join(outDir, 'index.html'), sitePage(siteData(records), plots, claims, dates[dates.length - 1] ?? 'never'));
  written.push(join(outDir, 'index.html'));
  return written;
}
