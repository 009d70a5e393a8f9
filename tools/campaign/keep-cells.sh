#!/usr/bin/env bash
# Keeps the finished cells of a campaign part that has not finished, in the repository, so the next
# session goes on from them: a session's machine, and the LABBENCH_HOME cache on it, do not outlive
# the session, and a part can take longer than one (cartesian-moe: about 13 one-core hours).
#
#   tools/campaign/keep-cells.sh <study> <run folder>
#
# The run folder is a running or stopped `labbench run --profile campaign --study <study> --out
# <folder>` (from lanes.sh or by hand, with LABBENCH_HOME set as it was for the run); its cells.json
# is rewritten after every cell. Each finished cell's evaluation entry, $LABBENCH_HOME/cache/evals/
# <evalKey>.json (its checksum inside), is copied gzipped (-n: same entry, same bytes) to
# campaign/cells/<study>/<evalKey>.json.gz. lanes.sh puts them back into the cache before it runs the
# study; a run finds an entry only under the key its own cell computes (code, data, configuration,
# seed, budget), so a kept cell is never reused by other code, and add-part.sh removes the study's
# kept cells once the part is added. Cells other cells train from (pretrained models) need their
# checkpoints, which are not kept: while such a dependent is unfinished, its source retrains.
set -euo pipefail

tool=keep-cells
source "$(dirname "$0")/common.sh"
[ $# -eq 2 ] || fail "usage: tools/campaign/keep-cells.sh <study> <run folder>"
study=$1 run=$2
check_study_id "$study"
[ -n "${LABBENCH_HOME:-}" ] || fail "LABBENCH_HOME is not set: set it to the folder the run used (its cells are cached there)."
[ -s "$run/cells.json" ] || fail "$run/cells.json is missing or empty: is '$run' a run folder (labbench run --out) with a finished cell?"
dest="$kept_cells/$study"

# "<evalKey>" lines of the study's finished cells; any other study's cell is an error (exit 2)
keys=$(python3 - "$study" "$run/cells.json" <<'EOF'
import json, re, sys
study, path = sys.argv[1:]
for c in json.load(open(path)):
    if c['study'] != study: sys.exit(f"keep-cells: {path} holds a cell of study '{c['study']}', not '{study}'.")
    if c['status'] in ('ok', 'cached') and re.fullmatch(r'[0-9a-f]{64}', c.get('evalKey', '')): print(c['evalKey'])
EOF
) || exit 2

mkdir -p "$dest"
kept=0 already=0
for key in $keys; do
  entry="$LABBENCH_HOME/cache/evals/$key.json"
  [ -s "$entry" ] || fail "$entry is missing: LABBENCH_HOME is not the folder '$run' was run with."
  if [ -e "$dest/$key.json.gz" ]; then already=$((already + 1)); continue; fi
  gzip -n -c "$entry" > "$dest/$key.json.gz.tmp" && mv "$dest/$key.json.gz.tmp" "$dest/$key.json.gz"
  kept=$((kept + 1))
done
echo "keep-cells: $study: $kept cell(s) kept in $dest ($already kept before); commit them."
