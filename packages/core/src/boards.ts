import { ContractError, DataError, suggest } from './errors.js';
import type { Registry } from './registry.js';
import type { ResultRecord } from './results.js';

/**
 * The checks that make plugin-registered boards safe: every board an evaluator declares, a claim
 * or a gate names, or a record lands on must be registered by an installed plugin. Each failure
 * names the plugin to fix and the boards that are registered.
 */

const registerFix = (id: string, plugin: string) =>
  `Register it in ${plugin} (definePlugin({ boards: [defineBoard({ id: '${id}', title, headline, direction })] })), or install the plugin that owns it.`;

function unknownBoard(registry: Registry, id: string): string {
  return `board '${id}' is not registered by any installed plugin (${suggest(id, registry.boards().map((b) => b.id))})`;
}

/**
 * Evaluators' declared boards, and the boards of the claims and gates of every study that can run
 * here (all its evaluators installed), are registered (run at discovery). A study whose evaluators
 * are missing is left alone, as discovery leaves it alone otherwise: planning it says what is missing.
 */
export function assertBoardsRegistered(registry: Registry): void {
  for (const id of registry.ids('evaluator')) {
    const { item, origin } = registry.entry('evaluator', id);
    for (const board of item.boards) {
      if (!registry.board(board)) throw new ContractError(`evaluator '${id}' of ${origin.packageName}`, `declares ${unknownBoard(registry, board)}.`, registerFix(board, origin.packageName));
    }
  }
  for (const id of registry.ids('study')) {
    const { item: study, origin } = registry.entry('study', id);
    if (!study.evaluators.every((use) => registry.has('evaluator', typeof use === 'string' ? use : use.id))) continue;
    const named = [...(study.claims ?? []).map((c) => [`claims.${c.id}`, c.board] as const), ...(study.gates ?? []).map((g) => [`gates.${g.id}`, g.board] as const)];
    for (const [path, board] of named) {
      if (!registry.board(board)) throw new ContractError(`study '${id}' of ${origin.packageName} › ${path}.board`, `names ${unknownBoard(registry, board)}.`, registerFix(board, origin.packageName));
    }
  }
}

/** The evaluator packages that wrote a record (from its provenance), else its study's plugin. */
function pluginsOf(registry: Registry, record: ResultRecord): string {
  const evaluators = [...new Set(Object.entries(record.provenance.plugins).filter(([k]) => k.startsWith('evaluator:')).map(([, v]) => v))];
  return evaluators.length > 0 ? evaluators.join(', ') : registry.entry('study', record.study).origin.packageName;
}

/**
 * Every record of an installed study lands on a registered board (run by `publish` before it
 * writes anything): a study's plugin is installed but the board's owner is not, or a board was
 * renamed. Records of studies this workspace does not have (results copied from elsewhere) are
 * published as they are: nothing installed can say which boards they need.
 */
export function assertRecordBoards(registry: Registry, records: readonly ResultRecord[]): void {
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.board) || !registry.has('study', r.study)) continue;
    seen.add(r.board);
    if (!registry.board(r.board)) {
      throw new DataError(`results of study '${r.study}' (written by ${pluginsOf(registry, r)}), metric ${r.metric}`, `are on ${unknownBoard(registry, r.board)}.`, 'Install the plugin that registers the board (it owns the evaluator that wrote these records), or publish without these records.');
    }
  }
}

/**
 * The boards that have records, in reading order: the board most studies report on first (ppl in
 * this repository), ties alphabetically. No fixed list: a new plugin's board finds its place.
 */
export function boardsOf(records: readonly Pick<ResultRecord, 'board' | 'study'>[]): string[] {
  const studies = new Map<string, Set<string>>();
  for (const r of records) studies.set(r.board, (studies.get(r.board) ?? new Set()).add(r.study));
  return [...studies].sort(([a, x], [b, y]) => y.size - x.size || a.localeCompare(b)).map(([id]) => id);
}
