#!/usr/bin/env bash
# Submits a labbench campaign to Slurm: N shards as a job array, then a publish job that waits for
# all of them. Usage: tools/scale-out/submit-slurm.sh N [sbatch options...]
# Environment passed to the jobs: LABBENCH_PROFILE, LABBENCH_STUDIES (space-separated study ids),
# LABBENCH_RUNS (shard folders), LABBENCH_PUBLISH_OUT, LABBENCH_HOME (cache shared by the shards).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n="${1:?usage: submit-slurm.sh N [sbatch options...]}"
shift
array=$(sbatch --parsable --export=ALL --array="0-$((n - 1))" "$@" "$here/labbench-shard.sbatch")
array="${array%%;*}"
publish=$(sbatch --parsable --export=ALL --dependency="afterok:$array" "$@" "$here/labbench-publish.sbatch")
echo "array job $array ($n shards), publish job ${publish%%;*}"
