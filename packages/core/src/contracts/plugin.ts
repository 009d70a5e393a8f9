import type { BoardDefinition } from './board.js';
import type { Evaluator } from './evaluator.js';
import type { LossFunction } from './loss.js';
import type { ModelFactory } from './model.js';
import type { StudyDefinition } from './study.js';
import type { TokenizerFactory } from './tokenizer.js';
import type { StudySummary } from '../study-summary.js';

export const PLUGIN_KINDS = ['model', 'tokenizer', 'loss', 'evaluator', 'study'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/**
 * What a plugin package default-exports. Its package.json carries the manifest:
 * `"labbench": { "id": "cartesian-moe", "kinds": ["model", "study"], "paper": { ... } }`.
 */
/** A benchmark a plugin contributes to `labbench bench <id>` (timings belong here, never in tests). */
export interface PluginBenchmark {
  readonly id: string;
  readonly description: string;
  /** Runs the benchmark; the result is printed as JSON with --json, else as a summary. */
  run(options: Readonly<Record<string, string | boolean | undefined>>): Promise<Record<string, unknown>>;
}

export interface LabbenchPlugin {
  readonly id: string;
  readonly models?: readonly ModelFactory<any>[];
  readonly tokenizers?: readonly TokenizerFactory[];
  readonly losses?: readonly LossFunction<any>[];
  readonly evaluators?: readonly Evaluator[];
  /** Boards this plugin owns (its evaluators' records land there; other plugins may write to them too). */
  readonly boards?: readonly BoardDefinition[];
  readonly studies?: readonly StudyDefinition[];
  readonly benchmarks?: readonly PluginBenchmark[];
  /** Cross-arm comparisons run after all cells of a study (by `labbench run` and `publish`). */
  readonly summaries?: readonly StudySummary[];
}

/** The `labbench` field of a plugin's package.json. */
export interface PluginManifest {
  readonly id: string;
  readonly kinds: readonly PluginKind[];
  readonly paper?: Readonly<{ title: string; url?: string; year?: number }>;
}

export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

/** Checks the ids of a plugin object and returns it frozen. */
export function definePlugin(plugin: LabbenchPlugin): LabbenchPlugin {
  if (!PLUGIN_ID_PATTERN.test(plugin.id)) {
    throw new Error(`definePlugin: id '${plugin.id}' must match ${PLUGIN_ID_PATTERN} (lower-case letters, digits, dashes).`);
  }
  return Object.freeze({ ...plugin });
}
