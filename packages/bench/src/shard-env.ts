import { ConfigError } from '@labbench/core';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

const integer = (text: string | undefined): number | undefined => (text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined);

/**
 * The shard a scheduler's job array assigns to this process, when `--shard` is not given:
 * - Slurm job arrays: `SLURM_ARRAY_TASK_ID` counted from `SLURM_ARRAY_TASK_MIN` (arrays may start
 *   at 0, 1 or anything), of `SLURM_ARRAY_TASK_COUNT` tasks;
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (from 0), of `LABBENCH_SHARD_COUNT` shards
 *   (Kubernetes does not expose the completions count; the manifest passes it).
 * Shards are 1-based like `--shard i/n`, so each array task gets a distinct one and together they
 * cover every cell. Returns undefined outside such a job.
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv): Shard | undefined {
  const slurmId = integer(env.SLURM_ARRAY_TASK_ID);
  if (slurmId !== undefined) {
    const count = integer(env.SLURM_ARRAY_TASK_COUNT);
    const min = integer(env.SLURM_ARRAY_TASK_MIN) ?? 0;
    const step = integer(env.SLURM_ARRAY_TASK_STEP) ?? 1;
    if (count === undefined || count < 1) {
      throw new ConfigError('SLURM_ARRAY_TASK_COUNT', `is ${JSON.stringify(env.SLURM_ARRAY_TASK_COUNT)} in a Slurm array task.`, 'Run labbench inside an sbatch --array job, or pass --shard i/n.');
    }
    const index = (slurmId - min) / step + 1;
    if (!Number.isInteger(index) || index < 1 || index > count) {
      throw new ConfigError('SLURM_ARRAY_TASK_ID', `${slurmId} is not one of the ${count} tasks of an array starting at ${min} with step ${step}.`, 'Use a contiguous --array range such as 0-3, or pass --shard i/n.');
    }
    return { index, count };
  }
  const k8sIndex = integer(env.JOB_COMPLETION_INDEX);
  if (k8sIndex !== undefined) {
    const count = integer(env.LABBENCH_SHARD_COUNT);
    if (count === undefined || count < 1) {
      throw new ConfigError('LABBENCH_SHARD_COUNT', `must be set to the Indexed Job's completions count (got ${JSON.stringify(env.LABBENCH_SHARD_COUNT)}).`, 'Set it in the Job manifest next to spec.completions.');
    }
    if (k8sIndex >= count) throw new ConfigError('JOB_COMPLETION_INDEX', `${k8sIndex} is not below LABBENCH_SHARD_COUNT=${count}.`, 'Make LABBENCH_SHARD_COUNT equal spec.completions.');
    return { index: k8sIndex + 1, count };
  }
  return undefined;
}
