#!/usr/bin/env bash
# Runs keep-cells.sh for every study of a lanes run every few minutes while the lanes work, and with
# --commit commits campaign/cells when it changed (only that path), so a session that ends at any
# moment loses at most the cells in progress. Stop it with kill when the lanes are done.
#
#   tools/campaign/keep-loop.sh [--commit] <parts folder> <study>[:<source arm>,...]...
#
# Each study's run folder is <parts folder>/<study> (as lanes.sh makes it); the arms after a colon
# are kept with their checkpoints (keep-cells.sh --checkpoints-of), e.g. uniattn:pretrain or
# dial-mae:none,mlm,dial-mae. LABBENCH_HOME must be the lanes' own; KEEP_EVERY sets the seconds
# between rounds (default 120).
set -euo pipefail

tool=keep-loop
source "$(dirname "$0")/common.sh"
commit=0
if [ "${1:-}" = --commit ]; then commit=1; shift; fi
[ $# -ge 2 ] || fail "usage: tools/campaign/keep-loop.sh [--commit] <parts folder> <study>[:<source arm>,...]..."
parts=$1; shift
[ -n "${LABBENCH_HOME:-}" ] || fail "LABBENCH_HOME is not set: set it to the lanes' own."
for spec in "$@"; do
  check_study_id "${spec%%:*}"
  if [[ "$spec" == *:* ]]; then IFS=, read -ra arms <<< "${spec#*:}"; for arm in "${arms[@]}"; do check_study_id "$arm"; done; fi
done
root=$repo_root
every=${KEEP_EVERY:-120}

while true; do
  for spec in "$@"; do
    study=${spec%%:*} args=()
    if [[ "$spec" == *:* ]]; then IFS=, read -ra arms <<< "${spec#*:}"; for arm in "${arms[@]}"; do args+=(--checkpoints-of "$arm"); done; fi
    [ -s "$parts/$study/cells.json" ] || continue
    "$(dirname "$0")/keep-cells.sh" "$study" "$parts/$study" "${args[@]}" || echo "keep-loop: keeping $study failed; next round tries again" >&2
  done
  if [ "$commit" = 1 ] && [ -n "$(git -C "$root" status --porcelain -- "$kept_cells")" ]; then
    git -C "$root" add -- "$kept_cells" &&
      git -C "$root" commit -q -m "campaign/cells: finished campaign cells kept ($(date -u +%H:%M) UTC, keep-loop.sh)" -- "$kept_cells" ||
      echo "keep-loop: commit failed (another git command running?); next round tries again" >&2
  fi
  sleep "$every"
done
