// Is the compiled output of every workspace package current? Used by the labbench bin to choose
// between dist/ (fast) and the TypeScript sources (always current). Plain ESM, no dependencies:
// it runs before anything else is loaded.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SOURCE_CONDITION = '@labbench/source';

/** Export conditions this process was started with (argv or NODE_OPTIONS). */
export function startConditions(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '') {
  const args = [...execArgv, ...nodeOptions.split(/\s+/)];
  return args.flatMap((arg, i) => {
    const m = /^(?:--conditions|-C)(?:=(.+))?$/.exec(arg);
    return m ? [m[1] ?? args[i + 1]] : [];
  });
}

/** Newest modification time under a folder (folders count: deleting a file changes its folder). */
function newest(dir) {
  let time = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const hasTypeScript = (src) => existsSync(src) && readdirSync(src, { recursive: true }).some((f) => String(f).endsWith('.ts'));

/** The workspace root above `from` (nearest package.json with workspaces), if any. */
export function workspaceRootOf(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readJson(manifest).workspaces) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The first workspace package (relative folder) whose dist/ is missing or older than its src/ or
 * package.json, or undefined when every TypeScript package is built and current.
 */
export function staleWorkspacePackage(root) {
  for (const glob of readJson(join(root, 'package.json')).workspaces ?? []) {
    const parent = join(root, glob.replace(/\/\*$/, ''));
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent).sort()) {
      const dir = join(parent, name);
      if (!hasTypeScript(join(dir, 'src'))) continue;
      const built = join(dir, 'dist', '.tsbuildinfo');
      const relative = dir.slice(root.length + 1);
      if (!existsSync(built)) return relative;
      const inputs = Math.max(newest(join(dir, 'src')), statSync(join(dir, 'package.json')).mtimeMs);
      if (inputs > statSync(built).mtimeMs) return relative;
    }
  }
  return undefined;
}
