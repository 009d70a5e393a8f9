import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { sha256 } from './hash.js';

/**
 * Hashes the code that computes a result: the import closure of some entry files, followed file
 * by file through relative imports and workspace packages. A cell's cache key includes it, so an
 * edit to the trainer, a kernel or an evaluator invalidates the cells whose path runs it, while
 * edits to unrelated plugins keep them cached. The entries are the component packages' entry
 * modules, so the closure is a package's, not a component's: an edit to an evaluator that ships
 * in the same package as a model (moe's disable-top-1 beside the MoE model) retrains that model's
 * cells too (conservative; on 2026-12-03 it cost the campaign three cells).
 *
 * - Type-only imports (`import type`, `export type`) are skipped: they do not run.
 * - A package found under `node_modules` that is not a workspace package counts by
 *   `name@version` (its files are pinned by the lockfile); workspace packages are followed into
 *   their sources (their `exports` condition that points at `.ts`, else the default).
 * - Every workspace package's `package.json` on the path is hashed too (versions, exports).
 * Files read at run time with `readFileSync` are not followed: data goes into cache keys through
 * the data hash instead.
 */
export class CodeHasher {
  private readonly files = new Map<string, { hash: string; deps: string[] }>();
  private readonly closures = new Map<string, string>();

  /** Hash of the closure of `entries` (absolute file paths); order-independent. */
  closureHash(entries: readonly string[]): string {
    const key = [...entries].sort().join('\n');
    const known = this.closures.get(key);
    if (known) return known;
    // files are named by package and path inside it, so a cache survives a checkout elsewhere
    const parts = this.closureFiles(entries).map((f) => (f.startsWith('pkg:') ? f : `${this.label(f)}:${this.scan(f).hash}`)).sort();
    const hash = sha256(parts.join('\n'));
    this.closures.set(key, hash);
    return hash;
  }

  /** The files of a closure (for tests and `labbench` diagnostics), sorted. */
  closureFiles(entries: readonly string[]): string[] {
    const seen = new Set<string>();
    const stack = entries.map((e) => resolve(e));
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!file.startsWith('pkg:')) stack.push(...this.scan(file).deps);
    }
    return [...seen].sort();
  }

  private readonly packageNames = new Map<string, string>();

  /** `<package name>/<path inside the package>`: the same in every checkout. */
  private label(file: string): string {
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      let name = this.packageNames.get(dir);
      if (name === undefined) {
        const manifest = join(dir, 'package.json');
        name = existsSync(manifest) ? String((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? '') : '';
        this.packageNames.set(dir, name);
      }
      if (name) return `${name}/${relative(dir, file)}`;
      if (dirname(dir) === dir) return file;
    }
  }

  private scan(file: string): { hash: string; deps: string[] } {
    const known = this.files.get(file);
    if (known) return known;
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    if (/\.(ts|mts|js|mjs|tsx)$/.test(file)) {
      for (const specifier of importSpecifiers(text)) {
        const target = this.resolveImport(specifier, file);
        if (target) deps.push(...target);
      }
    }
    const entry = { hash: sha256(text), deps };
    this.files.set(file, entry);
    return entry;
  }

  private resolveImport(specifier: string, from: string): string[] | undefined {
    if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const file = resolveFile(resolve(dirname(from), specifier));
      return file ? [file] : undefined;
    }
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    const subpath = `.${specifier.slice(name.length)}` || '.';
    const dir = findPackage(name, dirname(from));
    if (!dir) return undefined;
    const manifestPath = join(dir, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string; exports?: unknown; main?: string };
    if (dir.split(sep).includes('node_modules')) return [`pkg:${name}@${manifest.version ?? '?'}`];
    const target = exportTarget(manifest.exports, subpath === '.' ? '.' : subpath) ?? (subpath === '.' ? manifest.main ?? 'index.js' : subpath);
    const file = resolveFile(join(dir, target));
    return [manifestPath, ...nativeSources(dir), ...(file ? [file] : [])];
  }
}

/** Runtime import specifiers of a module's source (static, re-exports, side-effect and dynamic). */
export function importSpecifiers(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const statement = /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(statement)) {
    if (m[2]) continue; // `import type ... from` / `export type ... from`
    out.push(m[4]);
  }
  for (const m of text.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  return [...new Set(out)];
}

/** A workspace package's native addon sources (compiled at install, so not reached by imports). */
function nativeSources(dir: string): string[] {
  const out = existsSync(join(dir, 'binding.gyp')) ? [join(dir, 'binding.gyp')] : [];
  const src = join(dir, 'src');
  if (existsSync(src)) for (const name of readdirSync(src)) if (/\.(c|cc|cpp|h)$/.test(name)) out.push(join(src, name));
  return out;
}

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.js', '.mjs', '.json'];

/** A specifier as TypeScript under NodeNext resolves it: `./x.js` is `./x.ts` in the sources. */
function resolveFile(base: string): string | undefined {
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), ...EXTENSIONS.map((e) => base + e), join(base, 'index.ts'), join(base, 'index.js')];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return realpathSync(c);
  return undefined;
}

function findPackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The `exports` target of a subpath, preferring a condition that points at TypeScript sources. */
function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  const map = exports as Record<string, unknown>;
  const entry = Object.keys(map).some((k) => k.startsWith('.')) ? map[subpath] : subpath === '.' ? map : undefined;
  return pickCondition(entry);
}

function pickCondition(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!entry || typeof entry !== 'object') return undefined;
  const values = Object.entries(entry as Record<string, unknown>).filter(([k]) => k !== 'types');
  const picked = values.map(([, v]) => pickCondition(v)).filter((v): v is string => v !== undefined);
  return picked.find((v) => /\.(ts|mts)$/.test(v) && !v.endsWith('.d.ts')) ?? picked[0];
}
