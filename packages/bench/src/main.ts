import { Command, CommanderError } from 'commander';
import { LabbenchError } from '@labbench/core';
import { registerList } from './commands/list.js';
import { registerRun } from './commands/run.js';
import { registerPublish } from './commands/publish.js';
import { registerValidate } from './commands/validate.js';
import { registerDatasets } from './commands/datasets.js';
import { registerTokenizer } from './commands/tokenizer.js';
import { registerBench } from './commands/bench.js';
import { registerPlan } from './commands/plan.js';
import { registerDeps } from './commands/deps.js';
import { registerPreregister } from './commands/preregister.js';

/**
 * The `labbench` CLI. Exit codes: 0 success, 1 a run failed, 2 bad usage or invalid input (and
 * then nothing is written).
 */
export function buildProgram(): Command {
  const program = new Command('labbench')
    .description('Reproduce, compare and extend LLM-research methods as plugins; publish leaderboards.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .showHelpAfterError('(run labbench --help for usage)');
  registerList(program);
  registerRun(program);
  registerPublish(program);
  registerValidate(program);
  registerDatasets(program);
  registerTokenizer(program);
  registerBench(program);
  registerPlan(program);
  registerDeps(program);
  registerPreregister(program);
  const exitOverrideAll = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(exitOverrideAll);
  };
  exitOverrideAll(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv as string[], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2; // commander already printed the problem
    }
    if (error instanceof LabbenchError) {
      process.stderr.write(`labbench: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`labbench: ${(error as Error).stack ?? error}\n`);
    return 1;
  } finally {
    process.exitCode = previous;
  }
}
