#!/usr/bin/env bash
# Keeps the finished cells of a campaign part that has not finished, in the repository, so the next
# session goes on from them: a session's machine, and the LABBENCH_HOME cache on it, do not outlive
# the session, and a part can take longer than one (uniattn: about 7 one-core hours).
#
#   tools/campaign/keep-cells.sh <study> <run folder> [--checkpoints-of <arm>]...
#
# The run folder is a running or stopped `labbench run --profile campaign --study <study> --out
# <folder>` (from lanes.sh or by hand, with LABBENCH_HOME set as it was for the run); its cells.json
# and results.jsonl are rewritten after every cell. Each finished cell's evaluation entry,
# $LABBENCH_HOME/cache/evals/<evalKey>.json (its checksum inside), is copied gzipped (-n: same entry,
# same bytes) to campaign/cells/<study>/evals/<evalKey>.json.gz: enough to load the cell, but not to
# train from it. For the arms other arms train from (a study's pretrained model, `--checkpoints-of
# pretrain`), the trained entry and the checkpoint are kept as well, under trained/ and checkpoints/
# by training key (a dense campaign checkpoint is about 6 MB), so their dependents need not retrain
# them. lanes.sh puts everything back into the cache before it runs the study; a run finds an entry
# only under the key its own cell computes (code, data, configuration, seed, budget), so a kept cell
# is never reused by other code, and add-part.sh removes the study's kept cells once the part is added.
set -euo pipefail

tool=keep-cells
source "$(dirname "$0")/common.sh"
usage="usage: tools/campaign/keep-cells.sh <study> <run folder> [--checkpoints-of <arm>]..."
[ $# -ge 2 ] || fail "$usage"
study=$1 run=$2
shift 2
sources=()
while [ $# -gt 0 ]; do
  [ "$1" = --checkpoints-of ] && [ $# -ge 2 ] || fail "$usage"
  check_study_id "$2" # arm ids are spelled as study ids
  sources+=("$2")
  shift 2
done
check_study_id "$study"
[ -n "${LABBENCH_HOME:-}" ] || fail "LABBENCH_HOME is not set: set it to the folder the run used (its cells are cached there)."
[ -s "$run/cells.json" ] || fail "$run/cells.json is missing or empty: is '$run' a run folder (labbench run --out) with a finished cell?"
dest="$kept_cells/$study"
cache="$LABBENCH_HOME/cache"
# the study's planned arms, to refuse a misspelt --checkpoints-of (cells.json lists finished cells
# only, so an arm whose first cell is still training is not in it yet). keep-loop calls this every
# two minutes from a work tree that may be mid-edit: if the plan cannot be read, the arms go
# unchecked and the finished cells are still kept.
arms=
if [ ${#sources[@]} -gt 0 ]; then
  arms=$(campaign_plan --study "$study" 2>/dev/null | python3 -c 'import json, sys; print(" ".join(sorted({c["arm"] for c in json.load(sys.stdin)["cells"]})))' 2>/dev/null) \
    || { arms=; echo "keep-cells: warning: labbench plan --profile campaign --study $study failed in '$repo_root' (npm run build?); --checkpoints-of is not checked against the study's arms." >&2; }
fi

# "<kind> <key> <ext>" lines: every finished cell's evaluation entry, and the trained entry and
# checkpoint of each finished cell of a --checkpoints-of arm; any other study's cell is an error (exit 2)
entries=$(ARMS=$arms python3 - "$study" "$run" "${sources[@]}" <<'EOF'
import json, os, re, sys
study, run, *sources = sys.argv[1:]
key = re.compile(r'[0-9a-f]{64}')
finished = set()
for c in json.load(open(f'{run}/cells.json')):
    if c['study'] != study: sys.exit(f"keep-cells: {run}/cells.json holds a cell of study '{c['study']}', not '{study}'.")
    if c['status'] in ('ok', 'cached') and key.fullmatch(c.get('evalKey', '')):
        print('evals', c['evalKey'], 'json')
        finished.add((c['arm'], c['seed']))
unknown = set(sources) - set(os.environ['ARMS'].split()) if os.environ['ARMS'] else set()
if unknown: sys.exit(f"keep-cells: --checkpoints-of {sorted(unknown)[0]}: study '{study}' has no such arm at the campaign profile ({os.environ['ARMS']}).")
if sources and os.path.exists(f'{run}/results.jsonl'):
    seen = set()
    for line in open(f'{run}/results.jsonl'):
        r = json.loads(line)
        if r.get('schema') == 'labbench.gate/v1': continue  # gate lines name no cell
        train = r.get('provenance', {}).get('configHash', '')
        if r['arm'] in sources and (r['arm'], r['seed']) in finished and key.fullmatch(train) and train not in seen:
            seen.add(train)
            print('trained', train, 'json')
            print('checkpoints', train, 'ckpt')
EOF
) || exit 2

for kind in evals trained checkpoints; do mkdir -p "$dest/$kind"; done
kept=0 already=0
while read -r kind key ext; do
  [ -n "$kind" ] || continue
  entry="$cache/$kind/$key.$ext"
  [ -s "$entry" ] || fail "$entry is missing: LABBENCH_HOME is not the folder '$run' was run with."
  target="$dest/$kind/$key.$ext.gz"
  if [ -e "$target" ]; then already=$((already + 1)); continue; fi
  gzip -n -c "$entry" > "$target.tmp" && mv "$target.tmp" "$target"
  kept=$((kept + 1))
done <<< "$entries"
# cells.tsv: which arm and seed each kept evaluation entry is (status.sh reads it; people too)
python3 - "$run/cells.json" "$dest" <<'PY'
import json, os, sys
cells, dest = sys.argv[1:]
index = f'{dest}/cells.tsv'
rows = {}
if os.path.exists(index):
    for line in open(index).read().splitlines()[1:]:
        arm, seed, key = line.split('\t')
        rows[key] = (arm, int(seed))
for c in json.load(open(cells)):
    if os.path.exists(f"{dest}/evals/{c.get('evalKey')}.json.gz"): rows[c['evalKey']] = (c['arm'], c['seed'])
with open(f'{index}.tmp', 'w') as out:
    out.write('arm\tseed\tevalKey\n')
    for key, (arm, seed) in sorted(rows.items(), key=lambda kv: (kv[1][1], kv[1][0])): out.write(f'{arm}\t{seed}\t{key}\n')
os.replace(f'{index}.tmp', index)
PY
echo "keep-cells: $study: $kept file(s) kept in $dest ($already kept before); commit them."
