import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  assertRecordBoards,
  type Board,
  type JudgeOptions,
  type Registry,
  type ResultRecord,
  resultsCsv,
  writeFileAtomic,
  writeLeaderboards,
  writeResults,
} from '@labbench/core';
import { replaceDirectory } from './atomic-dir.js';
import { rowsFromEntries } from './claims-view.js';
import { mergeTrainingLists, readTraining, type TrainingLine } from './merge.js';
import { buildPlots, type Plot } from './plots.js';
import { type ReplicationOptions, replicationFile, replicationJson, replicationMarkdown } from './replication.js';
import { sitePage } from './site.js';

export { findResultFiles, mergeRecordLists, mergeRecords, mergeTraining } from './merge.js';
export { assertNotMixed, mixedDifferences } from './mixing.js';

/** Every entry a published folder holds besides its board CSVs (anything else in --out makes publish refuse to replace it). */
const PUBLISHED = new Set(['results.jsonl', 'results.csv', 'training.jsonl.gz', 'REPLICATION.md', 'replication.json', 'index.html', 'plots']);

/**
 * A board CSV an earlier publish wrote: `<board id>.csv` starting with the `study,arm` header.
 * Boards are registered by plugins, so there is no fixed list of names to check against; the
 * header keeps a user's own `notes.csv` from counting as ours.
 */
function isBoardCsv(dir: string, name: string): boolean {
  if (!/^[a-z][a-z0-9-]{0,31}\.csv$/.test(name)) return false;
  const head = Buffer.alloc(9);
  const fd = openSync(join(dir, name), 'r');
  try {
    return readSync(fd, head, 0, 9, 0) === 9 && head.toString('utf8') === 'study,arm';
  } finally {
    closeSync(fd);
  }
}

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
 * but its training records are gone): kept as they are rather than silently dropped. They come
 * from the --out folder and from published folders the results are read from (`--results
 * leaderboards/results.jsonl --out elsewhere` carries the committed plots along); the first folder
 * holding a file wins.
 */
function keptPlots(dirs: readonly string[], records: readonly ResultRecord[], rebuilt: readonly Plot[], training: readonly TrainingLine[]): Plot[] {
  const studies = [...new Set(records.map((r) => r.study))].sort((a, b) => b.length - a.length);
  const trained = new Set(training.map((t) => t.study));
  const have = new Set(rebuilt.map((p) => p.file));
  const kept: Plot[] = [];
  for (const dir of [...new Set(dirs)].map((d) => join(d, 'plots')).filter((d) => existsSync(d) && statSync(d).isDirectory())) {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      // plots/<study>/<name>.svg, or the flat plots/<study>-<name>.svg of older publishes
      const files = statSync(path).isDirectory()
        ? readdirSync(path)
            .sort()
            .map((f) => `${entry}/${f}`)
        : [entry];
      for (const file of files) {
        const study = studies.find((s) => file.startsWith(`${s}/`) || file.startsWith(`${s}-`));
        if (!study || trained.has(study) || have.has(file) || !file.endsWith('.svg')) continue;
        const name = file.slice(study.length + 1, -'.svg'.length);
        have.add(file);
        kept.push({ study, file, title: `${study}: ${name.replace(/-/g, ' ')} (kept from an earlier publish)`, svg: readFileSync(join(dir, file), 'utf8') });
      }
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
export async function publishLeaderboards(
  registry: Registry,
  records: readonly ResultRecord[],
  training: readonly TrainingLine[],
  outDir: string,
  options: {
    preview?: boolean;
    sequential?: JudgeOptions['sequential'];
    preregistrations?: ReplicationOptions['preregistrations'];
    plotSources?: readonly string[];
  } = {},
): Promise<string[]> {
  // everything is read and checked before the first write
  const previous = existsSync(join(outDir, 'training.jsonl.gz')) ? readTraining(join(outDir, 'training.jsonl.gz')) : [];
  const studies = new Set(records.map((r) => r.study));
  const allTraining = mergeTrainingLists([previous, training]).filter((t) => studies.has(t.study));
  assertRecordBoards(registry, records); // boards are registered by plugins: name the one missing before writing
  const headline = headlineMetrics(registry);
  const replication = replicationFile(registry, records, { sequential: options.sequential, preregistrations: options.preregistrations });
  const plots = await buildPlots(records, allTraining);
  const allPlots = [...plots, ...keptPlots([outDir, ...(options.plotSources ?? [])], records, plots, allTraining)];
  const titles = new Map(registry.ids('study').map((id) => [id, registry.get('study', id).title] as const));
  const page = sitePage({
    records,
    claims: rowsFromEntries(replication.entries.filter((e) => !replication.notRun.includes(e.study))),
    notRun: replication.notRun,
    plots: allPlots,
    headline: headline.byStudy,
    boardHeadline: headline.byBoard,
    facetOrder: [...new Set(registry.boards().flatMap((b) => b.facets ?? []))],
    titles,
    preview: options.preview ?? false,
  });
  const written: string[] = [];
  await replaceDirectory(
    outDir,
    async (tmp) => {
      const put = (name: string, data: string | Uint8Array) => {
        writeFileAtomic(join(tmp, name), data);
        written.push(name);
      };
      writeResults(join(tmp, 'results.jsonl'), records);
      written.push('results.jsonl');
      put('results.csv', resultsCsv(records));
      written.push(...writeLeaderboards(records, tmp, { headline: headline.byBoard, boards: registry.boards() }).map((p) => p.slice(tmp.length + 1)));
      if (allTraining.length > 0) put('training.jsonl.gz', gzipSync(allTraining.map((t) => JSON.stringify(t)).join('\n') + '\n', { level: 9 }));
      put('REPLICATION.md', replicationMarkdown(replication, records.length, options.preview ?? false));
      put('replication.json', replicationJson(replication));
      for (const plot of allPlots) put(join('plots', plot.file), plot.svg);
      put('index.html', page);
    },
    (name) => PUBLISHED.has(name) || isBoardCsv(outDir, name),
  );
  return written;
}
