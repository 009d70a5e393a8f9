import { join } from 'node:path';
import { discoverPlugins, type Registry } from '@labbench/core';
import { findWorkspaceRoot, stateDir } from '../workspace.js';

/** What every command needs: the workspace root, its state folder and the plugin registry. */
export interface CliContext {
  readonly root: string;
  readonly state: string;
  readonly registry: Registry;
}

export async function loadContext(): Promise<CliContext> {
  const root = findWorkspaceRoot();
  // Commands build models in this process only to count parameters and FLOPs (plan, run's planning,
  // preregister); tfjs's banner recommending tfjs-node would be noise on their output.
  (await import('@labbench/tensor')).tf.env().set('PROD', true);
  return { root, state: stateDir(root), registry: await discoverPlugins(root) };
}

export const defaultPaths = (state: string) => ({
  cache: join(state, 'cache'),
  runs: join(state, 'runs'),
  datasets: join(state, 'datasets'),
});
