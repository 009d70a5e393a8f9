import { ContractError } from '../errors.js';

/**
 * A leaderboard (one `<id>.csv` and one table on the page), registered by the plugin whose
 * evaluators own it: `definePlugin({ ..., boards: [defineBoard({ id: 'detection', ... })] })`.
 * Core keeps only the mechanism (the registry and the checks); which boards exist is the plugins'
 * business, so a new benchmark never means editing core. Other plugins may write records to a
 * board they do not own, as long as the owner is installed.
 */
export interface BoardDefinition {
  /** File-safe name: lower-case letters, digits and dashes (`ppl`, `detection`). */
  readonly id: string;
  /** One line for people: what the board compares. */
  readonly title: string;
  /** The metric a reader looks at first (it leads the board's columns after the claims' metrics). */
  readonly headline: string;
  /** Direction of the headline metric. */
  readonly direction: 'higher' | 'lower' | 'none';
  /**
   * The facet columns (`details.facets` keys) that make a row beside study and arm, in column
   * order, e.g. `['task', 'detector', 'generator', 'decoding']`. Records may carry others; they
   * follow alphabetically.
   */
  readonly facets?: readonly string[];
}

/** Board ids name files (`<id>.csv`) and page anchors, so they are plain identifiers. */
export const BOARD_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Names a board may not take: files a published folder already holds (`results.csv`). */
const RESERVED = new Set(['results', 'replication', 'index', 'training', 'plots']);
const FACET_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const DIRECTIONS = new Set(['higher', 'lower', 'none']);

/** Why a board id is unusable, or undefined when it is fine. */
export function boardIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || !BOARD_ID_PATTERN.test(id)) return `board id ${JSON.stringify(id)} must match ${BOARD_ID_PATTERN} (it names a CSV file)`;
  if (RESERVED.has(id)) return `board id '${id}' is reserved (${id}.csv or ${id}/ is already part of a published folder)`;
  return undefined;
}

/** Throws a ContractError naming `where` when a board definition is malformed. */
export function checkBoard(board: unknown, where: string): asserts board is BoardDefinition {
  const fix = "Declare boards as defineBoard({ id, title, headline, direction, facets? }) (see @labbench/core's BoardDefinition).";
  if (board === null || typeof board !== 'object') throw new ContractError(where, `a board must be an object, got ${JSON.stringify(board)}.`, fix);
  const b = board as Record<string, unknown>;
  const idProblem = boardIdProblem(b.id);
  if (idProblem) throw new ContractError(where, `${idProblem}.`, fix);
  const at = `${where} › board '${b.id as string}'`;
  if (typeof b.title !== 'string' || b.title.length === 0) throw new ContractError(at, 'title must be a non-empty string.', fix);
  if (typeof b.headline !== 'string' || b.headline.length === 0) throw new ContractError(at, 'headline (the metric read first) must be a non-empty string.', fix);
  if (!DIRECTIONS.has(b.direction as string)) throw new ContractError(at, `direction ${JSON.stringify(b.direction)} is not higher, lower or none.`, fix);
  if (b.facets !== undefined) {
    const facets = b.facets;
    if (!Array.isArray(facets) || facets.some((f) => typeof f !== 'string' || !FACET_NAME.test(f)) || new Set(facets).size !== facets.length) {
      throw new ContractError(at, `facets must be distinct plain names (${FACET_NAME}), got ${JSON.stringify(facets)}.`, fix);
    }
  }
}

/** Checks a board definition and returns it frozen (facets too). */
export function defineBoard(board: BoardDefinition): BoardDefinition {
  checkBoard(board, 'defineBoard');
  return Object.freeze({ ...board, ...(board.facets ? { facets: Object.freeze([...board.facets]) } : {}) });
}
