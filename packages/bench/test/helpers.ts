import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const workspaceRoot = new URL('../../../', import.meta.url).pathname;
export const cliPath = join(workspaceRoot, 'packages/bench/bin/labbench.mjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in a child process with its own state folder (LABBENCH_HOME). */
export function runCli(args: readonly string[], options: { home?: string; cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'labbench-home-'));
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? workspaceRoot,
    env: { ...process.env, LABBENCH_HOME: home, CI: '1', ...options.env },
    encoding: 'utf8',
    timeout: 540_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
