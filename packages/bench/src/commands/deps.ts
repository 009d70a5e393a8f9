import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, PROFILES, planStudies, writeFileAtomic, type Registry } from '@labbench/core';
import { loadContext } from './context.js';

/**
 * The workspace packages a plugin's studies run besides the plugin itself: the packages of every
 * tokenizer, loss, model and evaluator of every arm (reference and knock-out arms included, under
 * every profile), and the corpora. These become the `implicitDependencies` of the plugin's Nx
 * project, so its cached `bench` target reruns when any of them changes.
 */
export function studyDependencies(registry: Registry, root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { plugin, origin } of registry.plugins) {
    const studies = (plugin.studies ?? []).map((s) => s.id);
    if (studies.length === 0) continue;
    const used = new Set<string>(['@labbench/corpora']);
    for (const profile of Object.values(PROFILES)) {
      for (const cell of planStudies(registry, studies, profile, 1)) {
        used.add(registry.entry('tokenizer', cell.arm.tokenizer).origin.packageName);
        used.add(registry.entry('loss', cell.arm.loss).origin.packageName);
        if (cell.arm.model !== 'none') used.add(registry.entry('model', cell.arm.model).origin.packageName);
        for (const e of cell.evaluators) used.add(registry.entry('evaluator', e.id).origin.packageName);
      }
    }
    used.delete(origin.packageName);
    const manifest = JSON.parse(readFileSync(join(root, origin.dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const declared of Object.keys(manifest.dependencies ?? {})) used.delete(declared);
    out.set(origin.dir, [...used].sort());
  }
  return out;
}

export function registerDeps(program: Command): void {
  program
    .command('deps')
    .description("Derive each plugin's Nx implicitDependencies from what its studies run (--write updates package.json files; --check fails on drift).")
    .option('--write', 'write nx.implicitDependencies into each plugin package.json')
    .option('--check', 'exit 2 when a package.json differs from what its studies use')
    .action(async (options: { write?: boolean; check?: boolean }) => {
      const { root, registry } = await loadContext();
      const drift: string[] = [];
      for (const [dir, deps] of studyDependencies(registry, root)) {
        const path = join(root, dir, 'package.json');
        const text = readFileSync(path, 'utf8');
        const pkg = JSON.parse(text) as { nx?: { implicitDependencies?: string[] } };
        const current = pkg.nx?.implicitDependencies ?? [];
        if (JSON.stringify(current) === JSON.stringify(deps)) continue;
        drift.push(`${dir}: ${JSON.stringify(current)} -> ${JSON.stringify(deps)}`);
        if (options.write) {
          pkg.nx = { ...(pkg.nx ?? {}), implicitDependencies: deps };
          writeFileAtomic(path, `${JSON.stringify(pkg, null, 2)}\n`);
        }
      }
      for (const line of drift) process.stdout.write(`${options.write ? 'updated' : 'differs'} ${line}\n`);
      if (options.check && drift.length > 0 && !options.write) {
        throw new ConfigError('nx.implicitDependencies', `${drift.length} plugin package.json file(s) do not list what their studies run.`, 'Run `npx labbench deps --write` and commit the package.json files.');
      }
    });
}
