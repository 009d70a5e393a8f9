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

/**
 * Newest modification time under a folder (folders count: deleting a file changes its folder) and
 * whether it holds any TypeScript, in one walk (a recursive readdirSync spent ~35 ms in path
 * arithmetic on every CLI start).
 */
function scan(dir) {
  let time = statSync(dir).mtimeMs;
  let typescript = false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      const sub = scan(path);
      time = Math.max(time, sub.time);
      typescript ||= sub.typescript;
    } else {
      time = Math.max(time, statSync(path).mtimeMs);
      typescript ||= entry.name.endsWith('.ts');
    }
  }
  return { time, typescript };
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

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
      const src = join(dir, 'src');
      if (!existsSync(src)) continue;
      const sources = scan(src);
      if (!sources.typescript) continue;
      const built = join(dir, 'dist', '.tsbuildinfo');
      const relative = dir.slice(root.length + 1);
      if (!existsSync(built)) return relative;
      const inputs = Math.max(sources.time, statSync(join(dir, 'package.json')).mtimeMs);
      if (inputs > statSync(built).mtimeMs) return relative;
    }
  }
  return undefined;
}
