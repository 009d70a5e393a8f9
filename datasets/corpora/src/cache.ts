import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError, canonicalJson, sha256, writeFileAtomic } from './core.js';
import { CORPUS_PACKAGES } from './corpora.js';
import type { CorpusName } from './corpora.js';

/**
 * The cache of built evaluation sets: one `<name>.v<version>.jsonl` per set, a sidecar
 * `<name>.v<version>.meta.json` (the source of truth, written after the data) and a `manifest.json`
 * listing all sidecars for people and the CLI. A file is trusted only when its sha256 matches the
 * sidecar and the sidecar's fingerprint matches the current builder version and corpus package
 * versions; anything else is rebuilt. Writes are atomic, and builds are deterministic, so two
 * processes building the same set at once write the same bytes.
 */

export interface SetManifestEntry {
  readonly name: string;
  readonly version: number;
  readonly itemType: string;
  readonly file: string;
  readonly count: number;
  readonly sha256: string;
  /** Hash of what the file was built from (set version, corpus package versions, file format). */
  readonly fingerprint: string;
}

/**
 * What the cache stores: an evaluation set (SetDefinition) or a parsed corpus (corpora.ts), each a
 * list of JSON objects built deterministically from the corpus packages it names.
 */
export interface CachedDefinition {
  readonly name: string;
  readonly version: number;
  readonly itemType: string;
  /** Corpora the builder reads (their package versions go into the fingerprint). */
  readonly corpora: readonly CorpusName[];
  build(): readonly object[];
}

const FORMAT_VERSION = 1;
const require = createRequire(import.meta.url);

/** `<workspace root>/.labbench/datasets`: the root is the nearest folder above this package whose package.json has workspaces. */
export function defaultCacheDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return join(dir, '.labbench', 'datasets');
    if (dirname(dir) === dir) return resolve('.labbench', 'datasets');
  }
}

/**
 * Fingerprint of a set's inputs: change any of them and the cached file is rebuilt. Besides the
 * set version and the corpus package versions it includes a hash of this package's source, so an
 * edited builder whose version was not bumped cannot serve a stale file.
 */
export function setFingerprint(def: CachedDefinition): string {
  const packages = Object.fromEntries(def.corpora.map((c) => [CORPUS_PACKAGES[c], packageVersion(CORPUS_PACKAGES[c])]));
  return sha256(canonicalJson({ format: FORMAT_VERSION, set: def.name, version: def.version, itemType: def.itemType, packages, code: sourceHash() }));
}

let codeHash: string | undefined;

/** sha256 over the paths and contents of src/**\/*.ts (test helpers excluded). */
function sourceHash(): string {
  if (codeHash === undefined) {
    // The TypeScript sources even when running compiled (dist/ holds their output and .d.ts files).
    const here = dirname(fileURLToPath(import.meta.url));
    const root = existsSync(join(here, '..', 'src')) ? join(here, '..', 'src') : here;
    const files = (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('testing'))
      .map((f) => f.split('\\').join('/'))
      .sort();
    codeHash = sha256(files.map((f) => `${f}\n${readFileSync(join(root, f), 'utf8')}`).join('\n'));
  }
  return codeHash;
}

/** One JSON object per line, keys in the builder's order, trailing newline. */
export function serializeItems(items: readonly object[]): string {
  return items.map((item) => JSON.stringify(item)).join('\n') + '\n';
}

export class SetCache {
  private readonly items = new Map<string, readonly object[]>();

  constructor(
    readonly dir: string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Makes sure the set's file is built and intact, and returns its manifest entry. */
  ensure(def: CachedDefinition, force = false): SetManifestEntry {
    const fingerprint = setFingerprint(def);
    const cached = force ? undefined : this.verified(def, fingerprint);
    if (cached) return cached;
    const items = def.build();
    const data = serializeItems(items);
    const entry: SetManifestEntry = { name: def.name, version: def.version, itemType: def.itemType, file: fileName(def), count: items.length, sha256: sha256(data), fingerprint };
    writeFileAtomic(join(this.dir, entry.file), data);
    writeFileAtomic(join(this.dir, metaName(def)), `${JSON.stringify(entry, null, 2)}\n`);
    this.writeManifest();
    this.items.set(def.name, Object.freeze(items));
    return entry;
  }

  /** The set's items, built or read once per process. */
  read(def: CachedDefinition): readonly object[] {
    const memo = this.items.get(def.name);
    if (memo) return memo;
    const entry = this.ensure(def);
    const loaded = this.items.get(def.name) ?? Object.freeze(parseLines(readFileSync(join(this.dir, entry.file), 'utf8'), join(this.dir, entry.file)));
    this.items.set(def.name, loaded);
    return loaded;
  }

  /** The sidecar entry if the file matches it and was built from the current inputs. */
  private verified(def: CachedDefinition, fingerprint: string): SetManifestEntry | undefined {
    const metaPath = join(this.dir, metaName(def));
    const dataPath = join(this.dir, fileName(def));
    if (!existsSync(metaPath) || !existsSync(dataPath)) return undefined;
    let entry: SetManifestEntry;
    try {
      entry = JSON.parse(readFileSync(metaPath, 'utf8')) as SetManifestEntry;
    } catch {
      this.log(`${metaPath}: unreadable sidecar; rebuilding ${def.name}`);
      return undefined;
    }
    if (entry.fingerprint !== fingerprint) {
      this.log(`${def.name}: built from other inputs (corpus package or set version changed); rebuilding`);
      return undefined;
    }
    const actual = sha256(readFileSync(dataPath));
    if (actual !== entry.sha256) {
      this.log(`${dataPath}: checksum mismatch (expected ${entry.sha256.slice(0, 12)}…, got ${actual.slice(0, 12)}…); rebuilding ${def.name}`);
      return undefined;
    }
    return entry;
  }

  /** Rewrites manifest.json from the sidecars present (so concurrent builders never lose an entry for long). */
  private writeManifest(): void {
    const sets = readdirSync(this.dir)
      .filter((f) => f.endsWith('.meta.json'))
      .sort()
      .flatMap((f) => {
        try {
          return [JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as SetManifestEntry];
        } catch {
          return [];
        }
      });
    writeFileAtomic(join(this.dir, 'manifest.json'), `${JSON.stringify({ type: 'labbench-datasets-manifest', version: FORMAT_VERSION, sets }, null, 2)}\n`);
  }
}

const fileName = (def: CachedDefinition): string => `${def.name}.v${def.version}.jsonl`;
const metaName = (def: CachedDefinition): string => `${def.name}.v${def.version}.meta.json`;

function parseLines(text: string, where: string): object[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line) as object;
      } catch (cause) {
        throw new DataError(`${where}:${i + 1}`, `not JSON (${String(cause)})`, 'Delete the file; it is rebuilt on the next read.');
      }
    });
}

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'missing';
  }
}
