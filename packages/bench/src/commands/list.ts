import type { Command } from 'commander';
import { loadContext } from './context.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('List plugins (id, kinds, package, version, paper) and their studies.')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { registry } = await loadContext();
      const plugins = registry.plugins.map(({ plugin, origin }) => ({
        id: plugin.id,
        kinds: origin.manifest.kinds,
        package: origin.packageName,
        version: origin.version,
        dir: origin.dir,
        paper: origin.manifest.paper ?? null,
        components: {
          models: (plugin.models ?? []).map((m) => m.id),
          tokenizers: (plugin.tokenizers ?? []).map((t) => t.id),
          losses: (plugin.losses ?? []).map((l) => l.id),
          evaluators: (plugin.evaluators ?? []).map((e) => e.id),
          studies: (plugin.studies ?? []).map((s) => s.id),
        },
      }));
      if (options.json) {
        process.stdout.write(JSON.stringify({ plugins, studies: registry.ids('study') }, null, 2) + '\n');
        return;
      }
      for (const p of plugins) {
        const parts = Object.entries(p.components).filter(([, ids]) => ids.length > 0).map(([kind, ids]) => `${kind}: ${ids.join(', ')}`);
        process.stdout.write(`${p.id.padEnd(22)} ${p.package}@${p.version}  [${p.kinds.join(', ')}]  ${parts.join('; ')}\n`);
      }
    });
}
