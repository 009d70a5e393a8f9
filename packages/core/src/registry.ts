import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLUGIN_ID_PATTERN, PLUGIN_KINDS, type LabbenchPlugin, type PluginManifest } from './contracts/plugin.js';
import { assertBoardsRegistered } from './boards.js';
import { checkBoard, type BoardDefinition } from './contracts/board.js';
import type { Evaluator } from './contracts/evaluator.js';
import type { LossFunction } from './contracts/loss.js';
import type { ModelFactory } from './contracts/model.js';
import type { StudyDefinition } from './contracts/study.js';
import type { TokenizerFactory } from './contracts/tokenizer.js';
import { ContractError, RegistryError, suggest } from './errors.js';
import { assertValid } from './schemas.js';

/** Where a plugin came from: its npm package and folder. */
export interface PluginOrigin {
  readonly packageName: string;
  readonly version: string;
  readonly dir: string;
  readonly manifest: PluginManifest;
  /** Absolute path of the package's entry module (where cell code hashes start). */
  readonly entry: string;
}

export interface DiscoveredPlugin {
  readonly plugin: LabbenchPlugin;
  readonly origin: PluginOrigin;
}

type Kinds = {
  model: ModelFactory<any>;
  tokenizer: TokenizerFactory;
  loss: LossFunction<any>;
  evaluator: Evaluator;
  study: StudyDefinition;
};
export type ComponentKind = keyof Kinds;

interface Entry<T> {
  readonly item: T;
  readonly origin: PluginOrigin;
}

/** Every component of every discovered plugin, by kind and id. Frozen after discovery. */
export class Registry {
  readonly plugins: readonly DiscoveredPlugin[];
  private readonly tables: { [K in ComponentKind]: Map<string, Entry<Kinds[K]>> } = {
    model: new Map(), tokenizer: new Map(), loss: new Map(), evaluator: new Map(), study: new Map(),
  };

  /** Boards by id, each with the plugin that registered it (see contracts/board.ts). */
  private readonly boardTable = new Map<string, Entry<BoardDefinition>>();

  constructor(plugins: readonly DiscoveredPlugin[]) {
    this.plugins = plugins;
    for (const { plugin, origin } of plugins) {
      this.addBoards(plugin.boards, origin);
      this.addAll('model', plugin.models, origin);
      this.addAll('tokenizer', plugin.tokenizers, origin);
      this.addAll('loss', plugin.losses, origin);
      this.addAll('evaluator', plugin.evaluators, origin);
      for (const study of plugin.studies ?? []) assertValid('study', study, `study '${study.id}' of ${origin.packageName}`);
      this.addAll('study', plugin.studies, origin);
    }
  }

  private addAll<K extends ComponentKind>(kind: K, items: readonly Kinds[K][] | undefined, origin: PluginOrigin): void {
    for (const item of items ?? []) {
      const existing = this.tables[kind].get(item.id);
      if (existing) {
        throw new RegistryError(
          `${kind} '${item.id}'`,
          `declared twice: by ${existing.origin.packageName} (${existing.origin.dir}) and by ${origin.packageName} (${origin.dir}).`,
          'Remove one or rename its id.',
        );
      }
      this.tables[kind].set(item.id, { item, origin });
    }
  }

  private addBoards(boards: readonly BoardDefinition[] | undefined, origin: PluginOrigin): void {
    for (const board of boards ?? []) {
      checkBoard(board, `${origin.packageName} › boards`);
      const existing = this.boardTable.get(board.id);
      if (existing) {
        throw new RegistryError(`board '${board.id}'`, `registered twice: by ${existing.origin.packageName} (${existing.origin.dir}) and by ${origin.packageName} (${origin.dir}).`, 'A board has one owner: remove one registration (other plugins may write records to a board they do not own).');
      }
      this.boardTable.set(board.id, { item: board, origin });
    }
  }

  /** Registered boards, by id. */
  boards(): BoardDefinition[] {
    return [...this.boardTable.keys()].sort().map((id) => this.boardTable.get(id)!.item);
  }

  /** The registered board and the plugin that owns it, or undefined. */
  board(id: string): Entry<BoardDefinition> | undefined {
    return this.boardTable.get(id);
  }

  ids(kind: ComponentKind): string[] {
    return [...this.tables[kind].keys()].sort();
  }

  has(kind: ComponentKind, id: string): boolean {
    return this.tables[kind].has(id);
  }

  get<K extends ComponentKind>(kind: K, id: string): Kinds[K] {
    return this.entry(kind, id).item;
  }

  entry<K extends ComponentKind>(kind: K, id: string): Entry<Kinds[K]> {
    const entry = this.tables[kind].get(id);
    if (!entry) throw new RegistryError(`${kind} '${id}'`, `unknown ${kind} '${id}'.`, suggest(id, this.ids(kind)));
    return entry;
  }

  /** Entry module of the package that provides a component (the start of its code closure). */
  entryOf(kind: ComponentKind, id: string): string {
    return this.entry(kind, id).origin.entry;
  }

  /** Version of the package that provides a component (goes into cell keys and provenance). */
  versionOf(kind: ComponentKind, id: string): string {
    const { origin } = this.entry(kind, id);
    return `${origin.packageName}@${origin.version}`;
  }
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Package folders named by the root package.json's workspace globs (`dir/*` patterns). */
function workspaceDirs(root: string): string[] {
  const pkg = readJson(join(root, 'package.json'));
  const globs: string[] = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages ?? [];
  return globs.flatMap((glob) => {
    const base = join(root, glob.replace(/\/\*$/, ''));
    if (!glob.endsWith('/*')) return [base];
    if (!existsSync(base)) return [];
    return readdirSync(base).map((d) => join(base, d)).filter((d) => existsSync(join(d, 'package.json')));
  });
}

/** Top-level packages in node_modules (scoped ones included), resolved through symlinks. */
function installedDirs(root: string): string[] {
  const modules = join(root, 'node_modules');
  if (!existsSync(modules)) return [];
  const dirs: string[] = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    const dir = join(modules, name);
    if (name.startsWith('@')) {
      for (const sub of readdirSync(dir)) dirs.push(join(dir, sub));
    } else dirs.push(dir);
  }
  return dirs.filter((d) => existsSync(join(d, 'package.json')));
}

function readManifest(dir: string): { pkg: any; manifest: PluginManifest } | undefined {
  // Most of the ~600 installed packages are not plugins: a text check spares parsing them.
  const text = readFileSync(join(dir, 'package.json'), 'utf8');
  if (!text.includes('"labbench"')) return undefined;
  const pkg = JSON.parse(text);
  const manifest = pkg.labbench as PluginManifest | undefined;
  if (!manifest || typeof manifest !== 'object') return undefined;
  const where = `${join(dir, 'package.json')} › labbench`;
  if (typeof manifest.id !== 'string' || !PLUGIN_ID_PATTERN.test(manifest.id)) {
    throw new ContractError(`${where}.id`, `plugin id must match ${PLUGIN_ID_PATTERN}, got ${JSON.stringify(manifest.id)}.`, 'Use lower-case letters, digits and dashes.');
  }
  if (!Array.isArray(manifest.kinds) || manifest.kinds.some((k) => !(PLUGIN_KINDS as readonly string[]).includes(k))) {
    throw new ContractError(`${where}.kinds`, `kinds must be a list of ${PLUGIN_KINDS.join(', ')}, got ${JSON.stringify(manifest.kinds)}.`, 'Fix the manifest.');
  }
  return { pkg, manifest };
}

/**
 * A package's entry module: its "." export under the conditions this process runs with. Sources
 * (the `@labbench/source` condition) when the process was started with that condition or the
 * compiled file is missing; else the compiled `import`/`default` target.
 */
function entryFile(dir: string, pkg: any): string {
  const exp = pkg.exports;
  const dot = typeof exp === 'string' ? exp : exp?.['.'] ?? (exp && !Object.keys(exp).some((k) => k.startsWith('.')) ? exp : undefined);
  if (typeof dot === 'string') return resolve(dir, dot);
  if (dot && typeof dot === 'object') {
    const compiled = dot.import ?? dot.default;
    const source = dot['@labbench/source'];
    // `node --import tsx` counts too: tsx resolves sibling packages to sources (tsconfig paths)
    const sourceMode = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('@labbench/source') || a === 'tsx' || /(^|\s)--import[= ]tsx(\s|$)/.test(a));
    if (source && (sourceMode || typeof compiled !== 'string' || !existsSync(resolve(dir, compiled)))) return resolve(dir, source);
    if (typeof compiled === 'string') return resolve(dir, compiled);
  }
  return resolve(dir, pkg.main ?? 'index.js');
}

/**
 * Runs plugin code with `process.exit` turned into an error, so a plugin that calls it (at import
 * time, or inside a cell) fails with a sentence instead of ending the run with a false status.
 */
export async function withoutProcessExit<T>(where: string, work: () => Promise<T>): Promise<T> {
  const exit = process.exit;
  process.exit = ((code?: number | string | null) => {
    throw new ContractError(where, `plugin code called process.exit(${code ?? ''}).`, 'Plugins must return or throw; they must never end the process.');
  }) as typeof process.exit;
  try {
    return await work();
  } finally {
    process.exit = exit;
  }
}

/**
 * Finds plugins among the workspace packages and installed npm packages: any package whose
 * package.json has a `labbench` manifest. The same package seen twice (workspace and its
 * node_modules symlink) counts once.
 */
export async function discoverPlugins(root: string): Promise<Registry> {
  const seen = new Map<string, string>();
  const found: DiscoveredPlugin[] = [];
  for (const dir of [...workspaceDirs(root), ...installedDirs(root)]) {
    const read = readManifest(dir);
    if (!read) continue;
    const real = realpathSync(dir); // only for plugins: resolving every installed package cost more than reading it
    const { pkg, manifest } = read;
    if (seen.has(pkg.name)) continue;
    seen.set(pkg.name, real);
    let module: { default?: unknown };
    const entry = entryFile(real, pkg);
    try {
      module = await withoutProcessExit(`plugin ${pkg.name} at import time`, () => import(pathToFileURL(entry).href));
    } catch (error) {
      throw new ContractError(
        `${pkg.name} (${relative(root, real) || real})`,
        `the plugin failed to load: ${(error as Error).message.split('\n')[0]}`,
        'Fix the package (its entry is the "." export of its package.json) or remove it from the workspace.',
      );
    }
    const plugin = module.default as LabbenchPlugin | undefined;
    if (!plugin || plugin.id !== manifest.id) {
      throw new ContractError(
        `${pkg.name} (${relative(root, real) || real})`,
        `the default export must be a plugin with id '${manifest.id}' (the manifest's id), got ${plugin ? `'${plugin.id}'` : 'nothing'}.`,
        "Default-export definePlugin({ id: '<manifest id>', ... }) from the package entry.",
      );
    }
    found.push({ plugin, origin: { packageName: pkg.name, version: pkg.version ?? '0.0.0', dir: relative(root, real) || real, manifest, entry } });
  }
  found.sort((a, b) => a.plugin.id.localeCompare(b.plugin.id));
  const registry = new Registry(found);
  assertBoardsRegistered(registry);
  return registry;
}
