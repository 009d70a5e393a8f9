import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BOARDS, resultsCsv, writeFileAtomic, writeLeaderboards, writeResults, type Board, type JudgeOptions, type Registry, type ResultRecord } from '@labbench/core';
import { replaceDirectory } from './atomic-dir.js';
import { rowsFromEntries } from './claims-view.js';
import { mergeTrainingLists, readTraining, type TrainingLine } from './merge.js';
import { buildPlots, type Plot } from './plots.js';
import { replicationFile, replicationJson, replicationMarkdown, type ReplicationOptions } from './replication.js';
import { sitePage } from './site.js';

export { findResultFiles, mergeRecords, mergeRecordLists, mergeTraining } from './merge.js';
export { assertNotMixed, mixedDifferences } from './mixing.js';

/** Every entry a published folder holds (anything else in --out makes publish refuse to replace it). */
const PUBLISHED = new Set(['results.jsonl', 'results.csv', 'training.jsonl.gz', 'REPLICATION.md', 'replication.json', 'index.html', 'plots', ...BOARDS.map((b) => `${b}.csv`)]);

/** The claims' metrics per board and per study, headline claims first: what boards show first. */
export function headlineMetrics(registry: Registry): { byBoard: Partial<Record<Board, string[]>>; byStudy: Map<string, string[]> } {
  const byBoard: Partial<Record<Board, string[]>> = {};
  const byStudy = new Map<string, string[]>();
  for (const id of registry.ids('study')) {
    const claims = [...(registry.get('study', id).claims ?? [])].sort((a, b) => Number(b.role === 'headline') - Number(a.role === 'headline'));
    for (const c of claims) {
      const metrics = [c.metric, c.baselineMetric ?? c.metric];
      const board = c.board as Board;
      byBoard[board] = [...new Set([...(byBoard[board] ?? []), ...metrics])];
      byStudy.set(id, [...new Set([...(byStudy.get(id) ?? []), ...metrics.map((m) => `${c.board}/${m}`)])]);
    }
  }
  return { byBoard, byStudy };
}

/**
 * Plot files of an earlier publish that this one cannot rebuild (their study is published again
 * but its training records are gone): kept as they are rather than silently dropped.
 */
function keptPlots(outDir: string, records: readonly ResultRecord[], rebuilt: readonly Plot[], training: readonly TrainingLine[]): Plot[] {
  const dir = join(outDir, 'plots');
  if (!existsSync(dir)) return [];
  const studies = [...new Set(records.map((r) => r.study))].sort((a, b) => b.length - a.length);
  const trained = new Set(training.map((t) => t.study));
  const have = new Set(rebuilt.map((p) => p.file));
  const kept: Plot[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    // plots/<study>/<name>.svg, or the flat plots/<study>-<name>.svg of older publishes
    const files = statSync(path).isDirectory() ? readdirSync(path).sort().map((f) => `${entry}/${f}`) : [entry];
    for (const file of files) {
      const study = studies.find((s) => file.startsWith(`${s}/`) || file.startsWith(`${s}-`));
      if (!study || trained.has(study) || have.has(file) || !file.endsWith('.svg')) continue;
      const name = file.slice(study.length + 1, -'.svg'.length);
      kept.push({ study, file, title: `${study}: ${name.replace(/-/g, ' ')} (kept from an earlier publish)`, svg: readFileSync(join(dir, file), 'utf8') });
    }
  }
  return kept;
}

/**
 * Writes everything a published leaderboard folder holds, as a whole: built in a temporary folder
 * beside `outDir` and swapped in, so a killed publish leaves the previous folder intact and a
 * publish never leaves files of an earlier one beside its own. The training records go with the
 * results (training.jsonl.gz), so republishing from a published folder rebuilds every plot.
 * Returns the paths written, relative to `outDir`.
 */
export async function publishLeaderboards(registry: Registry, records: readonly ResultRecord[], training: readonly TrainingLine[], outDir: string, options: { preview?: boolean; sequential?: JudgeOptions['sequential']; preregistrations?: ReplicationOptions['preregistrations'] } = {}): Promise<string[]> {
  // everything is read and checked before the first write
  const previous = existsSync(join(outDir, 'training.jsonl.gz')) ? readTraining(join(outDir, 'training.jsonl.gz')) : [];
  const studies = new Set(records.map((r) => r.study));
  const allTraining = mergeTrainingLists([previous, training]).filter((t) => studies.has(t.study));
  const headline = headlineMetrics(registry);
  const replication = replicationFile(registry, records, { sequential: options.sequential, preregistrations: options.preregistrations });
  const plots = await buildPlots(records, allTraining);
  const allPlots = [...plots, ...keptPlots(outDir, records, plots, allTraining)];
  const titles = new Map(registry.ids('study').map((id) => [id, registry.get('study', id).title] as const));
  const page = sitePage({ records, claims: rowsFromEntries(replication.entries.filter((e) => !replication.notRun.includes(e.study))), notRun: replication.notRun, plots: allPlots, headline: headline.byStudy, boardHeadline: headline.byBoard, titles, preview: options.preview ?? false });
  const written: string[] = [];
  await replaceDirectory(outDir, async (tmp) => {
    const put = (name: string, data: string | Uint8Array) => {
      writeFileAtomic(join(tmp, name), data);
      written.push(name);
    };
    writeResults(join(tmp, 'results.jsonl'), records);
    written.push('results.jsonl');
    put('results.csv', resultsCsv(records));
    written.push(...writeLeaderboards(records, tmp, { headline: headline.byBoard }).map((p) => p.slice(tmp.length + 1)));
    if (allTraining.length > 0) put('training.jsonl.gz', gzipSync(allTraining.map((t) => JSON.stringify(t)).join('\n') + '\n', { level: 9 }));
    put('REPLICATION.md', replicationMarkdown(replication, records.length, options.preview ?? false));
    put('replication.json', replicationJson(replication));
    for (const plot of allPlots) put(join('plots', plot.file), plot.svg);
    put('index.html', page);
  }, (name) => PUBLISHED.has(name));
  return written;
}
