import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, check, validateResultsText, type SchemaName } from '@labbench/core';

/** Guesses what a file is: results (JSON lines), a study, or a suite. */
function detectKind(path: string, text: string): 'results' | SchemaName {
  if (path.endsWith('.jsonl')) return 'results';
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && value.schema === 'labbench.replication/v1') return 'replication';
    return value && typeof value === 'object' && 'arms' in value ? 'study' : 'suite';
  } catch {
    return 'results';
  }
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a results file (.jsonl), a study or a suite file against the schemas; names each bad record and field.')
    .argument('<file>', 'the file to check')
    .option('--kind <kind>', 'results | study | suite | replication (default: guessed from the file)')
    .action((file: string, options: { kind?: string }) => {
      if (!existsSync(file)) throw new ConfigError(file, 'file not found.', 'Give the path of a results, study or suite file.');
      const text = readFileSync(file, 'utf8');
      const kind = (options.kind ?? detectKind(file, text)) as 'results' | SchemaName;
      if (kind === 'results') {
        const { records, gates, problems } = validateResultsText(text);
        for (const p of problems) process.stderr.write(`${file} ${p.where}:\n  ${p.problems.join('\n  ')}\n`);
        if (problems.length > 0) {
          process.stderr.write(`${problems.length} invalid record(s), ${records.length} valid.\n`);
          process.exitCode = 2;
          return;
        }
        if (records.length === 0) {
          process.stderr.write(`${file}: no records.\n`);
          process.exitCode = 2;
          return;
        }
        process.stdout.write(`${file}: ${records.length} valid records${gates.length ? `, ${gates.length} valid gate records` : ''}.\n`);
        return;
      }
      if (!['study', 'suite', 'replication'].includes(kind)) throw new ConfigError('--kind', `unknown kind '${kind}'.`, 'Use results, study, suite or replication.');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new ConfigError(file, `not valid JSON: ${(error as Error).message}.`, 'Fix the JSON syntax.');
      }
      const problems = check(kind as SchemaName, value);
      if (problems.length > 0) {
        process.stderr.write(`${file} (${kind}):\n  ${problems.join('\n  ')}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${file}: valid ${kind}.\n`);
    });
}
