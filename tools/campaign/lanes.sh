#!/usr/bin/env bash
# Runs campaign studies in lanes, one lane per core: each lane takes the next study from the queue
# and runs it with --jobs 1 (JOBS, below), so no core waits for the last cell of a study (with one study at a time
# and --jobs 2, the other core idles while a study's last cell finishes: up to half an hour per
# study at the campaign profile). Results do not depend on --jobs, and finished cells are cached,
# so a stopped lane loses at most the training since each running cell's last snapshot (from
# campaign-v5, with the same LABBENCH_HOME; earlier versions: the cells in progress); rerun the
# same command to go on. Cells kept
# in the repository by keep-cells.sh (a part that spans sessions) are restored into the cache first.
#
#   tools/campaign/lanes.sh <clone at a campaign version> <parts folder> <study>...
#
# Each study's run folder is <parts folder>/<study> (add it with tools/campaign/add-part.sh), its
# log <parts folder>/<study>.log; a study whose folder holds DONE (its run exited 0) is skipped.
# LABBENCH_HOME must be set, so the cells go to a cache that outlives the clone; LANES sets the
# number of lanes (default: the number of cores) and JOBS each lane's --jobs (default 1; LANES=1
# JOBS=2 finishes one study sooner, at the cost of an idle core during its last cell).
set -euo pipefail

tool=lanes
source "$(dirname "$0")/common.sh"
[ $# -ge 3 ] || fail "usage: tools/campaign/lanes.sh <clone at a campaign version> <parts folder> <study>..."
clone=$1 parts=$2; shift 2
[ -n "${LABBENCH_HOME:-}" ] || fail "LABBENCH_HOME is not set: set it to a folder outside the clone, so finished cells survive the clone and the session."
tags=$(campaign_tags)
head=$(git -C "$clone" rev-parse HEAD)
tag=$(campaign_tag_of "$head")
latest=$(echo "$tags" | tail -n 1)
[ -n "$tag" ] || fail "'$clone' is at ${head:0:7}, which no campaign version names ($(echo $tags)): git -C '$clone' checkout $(campaign_commit "$latest" | cut -c1-7) ($latest), or the version campaign/README.md gives for the study."
[ -z "$(git -C "$clone" status --porcelain --untracked-files=no)" ] || fail "'$clone' has local changes: the campaign runs the tag's code as it is."
for study in "$@"; do
  check_study_id "$study"
done
check_native_kernels "$clone"
jobs=${JOBS:-1}
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || fail "JOBS='$jobs' is not a positive whole number of cells to run at once."
mkdir -p "$parts"
parts=$(cd "$parts" && pwd)
lanes=${LANES:-$(nproc)}

# Cells kept from an earlier session (tools/campaign/keep-cells.sh) go back into the cache, where
# the run finds each under the key its own cell computes and loads it as a cached cell.
restore_kept_cells() {
  local kind entry name
  for kind in evals trained checkpoints; do
    [ -d "$kept_cells/$1/$kind" ] || continue
    mkdir -p "$LABBENCH_HOME/cache/$kind"
    for entry in "$kept_cells/$1/$kind"/*.gz; do
      [ -e "$entry" ] || continue
      name=$LABBENCH_HOME/cache/$kind/$(basename "$entry" .gz)
      [ -e "$name" ] && continue
      gunzip -c "$entry" > "$name.tmp" && mv "$name.tmp" "$name"
    done
  done
}

# A lane claims a study by creating a folder in this invocation's own claims folder (mkdir is
# atomic), so a killed invocation leaves no claim behind to block the next one.
claims=$(mktemp -d "${TMPDIR:-/tmp}/labbench-lanes-XXXXXX")
trap 'rm -rf "$claims"' EXIT
lane() {
  local study
  for study in "$@"; do
    [ -e "$parts/$study/DONE" ] && continue
    mkdir "$claims/$study" 2>/dev/null || continue
    restore_kept_cells "$study"
    echo "lanes: $study started $(date -u +%H:%M:%S) UTC from $tag"
    if (cd "$clone" && npx labbench run --profile campaign --study "$study" --jobs "$jobs" --out "$parts/$study") > "$parts/$study.log" 2>&1; then
      touch "$parts/$study/DONE"
      echo "lanes: $study finished $(date -u +%H:%M:%S) UTC"
    else
      local rc=$? # before the date's command substitution resets it
      echo "lanes: $study stopped $(date -u +%H:%M:%S) UTC (exit $rc; see $parts/$study.log)"
    fi
  done
}
for _ in $(seq "$lanes"); do lane "$@" & done
wait
