/**
 * Post-run step of the `temporal-scaling-law` study: ranks the mixture arms by each predictor and
 * appends the Kendall-tau records (arm `summary`) to a run's results.jsonl, then rewrites its
 * leaderboards (labbench run and publish now apply the summary themselves; this script re-applies it to an older run). Usage: npx tsx plugins/temporal-scaling-law/scripts/rank-mixtures.ts <run dir> [study id]
 */
import { join } from 'node:path';
import { applyStudySummary, readResults, writeLeaderboards, writeResults } from '@labbench/core';
import { mixtureRanking } from '../src/ranking.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: rank-mixtures.ts <run dir containing results.jsonl> [study id]\n');
  process.exit(2);
}
const study = process.argv[3] ?? 'temporal-scaling-law';
const path = join(dir, 'results.jsonl');
const records = applyStudySummary(readResults(path), mixtureRanking(study));
writeResults(path, records);
for (const board of writeLeaderboards(records, dir)) process.stdout.write(`${board}\n`);
for (const r of records.filter((r) => r.arm === 'summary' && r.study === study)) {
  process.stdout.write(`${r.study} seed ${r.seed} ${r.metric} = ${r.value.toFixed(3)}\n`);
}
