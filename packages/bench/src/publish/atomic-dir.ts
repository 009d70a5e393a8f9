import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@labbench/core';

/**
 * Replacing a folder as a whole: publish builds the new folder beside the old one and swaps it in
 * with two renames, so a publish killed at any point leaves either the old folder or the new one,
 * never a mix of both. Between the two renames the old folder sits at `.<name>.old-<pid>-<t>`;
 * the next publish puts it back if the new one never arrived.
 */

const TEMP = /^\.(.+)\.(publish|old)-(\d+)-\d+$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Puts back an old folder a killed swap left aside, and removes temporary folders of dead publishes. */
export function recoverInterrupted(outDir: string): void {
  const parent = dirname(outDir);
  const name = basename(outDir);
  if (!existsSync(parent)) return;
  const leftovers = readdirSync(parent)
    .map((entry) => ({ entry, match: TEMP.exec(entry) }))
    .filter(({ match }) => match !== null && match[1] === name && !alive(Number(match[3])))
    .sort((a, b) => b.entry.localeCompare(a.entry));
  for (const { entry, match } of leftovers) {
    const path = join(parent, entry);
    if (match![2] === 'old' && !existsSync(outDir)) renameSync(path, outDir);
    else rmSync(path, { recursive: true, force: true });
  }
}

/** Turns "cannot write here" errors into a sentence and exit 2. */
function explain(outDir: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTEMPTY' || code === 'EEXIST') {
    throw new ConfigError(outDir, 'another publish replaced the folder while this one was swapping it in; the other one\'s folder is kept whole.', 'Rerun this publish if its records should win.', 2);
  }
  if (code && ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR'].includes(code)) {
    throw new ConfigError(outDir, `cannot write the published folder (${code}: ${(error as Error).message}).`, 'Choose a writable --out on a disk with free space; the previous folder is unchanged.');
  }
  throw error;
}

/** Test hook: LABBENCH_TEST_KILL_PUBLISH=<stage> kills this process with SIGKILL at that stage. */
export function killPoint(stage: 'built' | 'swap'): void {
  if (process.env.LABBENCH_TEST_KILL_PUBLISH === stage) process.kill(process.pid, 'SIGKILL');
}

/**
 * Builds the folder's new content with `build(tmp)` in a temporary sibling (same file system, so
 * the rename is atomic) and swaps it in place of `outDir`. `owns` says which entry names a publish
 * writes; a folder holding anything else is refused rather than replaced.
 */
export async function replaceDirectory(outDir: string, build: (tmp: string) => Promise<void>, owns: (name: string) => boolean = () => true): Promise<void> {
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new ConfigError(outDir, 'is a file, not a folder.', 'Give --out a folder path (it is created if missing).');
  }
  // the swap replaces the whole folder: never one holding anything but what a publish writes
  const foreign = existsSync(outDir) ? readdirSync(outDir).filter((name) => !owns(name)).sort() : [];
  if (foreign.length > 0) {
    throw new ConfigError(outDir, `holds files a publish did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ''}); publishing replaces the folder as a whole.`, 'Give --out a new or empty folder, or one an earlier publish wrote.');
  }
  const parent = dirname(outDir);
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(parent, `.${basename(outDir)}.publish-${stamp}`);
  try {
    mkdirSync(parent, { recursive: true });
    recoverInterrupted(outDir);
    mkdirSync(tmp);
  } catch (error) {
    explain(outDir, error);
  }
  const old = join(parent, `.${basename(outDir)}.old-${stamp}`);
  try {
    await build(tmp);
    killPoint('built');
    if (existsSync(outDir)) {
      renameSync(outDir, old);
      killPoint('swap');
      renameSync(tmp, outDir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, outDir);
    }
  } catch (error) {
    if (existsSync(old) && !existsSync(outDir)) renameSync(old, outDir); // the swap failed half-way: put the old folder back
    else rmSync(old, { recursive: true, force: true }); // another publish's folder took its place
    rmSync(tmp, { recursive: true, force: true });
    explain(outDir, error);
  }
}
