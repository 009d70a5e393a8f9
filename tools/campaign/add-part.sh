#!/usr/bin/env bash
# Adds one finished campaign part to campaign/runs/<study> and republishes campaign/leaderboards.
#
#   tools/campaign/add-part.sh <study> <run folder>
#
# The run folder is a `labbench run --profile campaign --study <study> --out <folder>` computed from
# a campaign version campaign-v<N> (campaign/frozen-code). Checked before anything is copied (exit 2,
# nothing written): every cell of cells.json is ok, every record is of <study>, of the campaign
# profile, trained (if it has a model) on the native kernels, and computed at one commit that a campaign version names. Then results.jsonl, cells.json and the board CSVs are copied,
# training.jsonl is gzipped (-n: no name or time in the header, so the same run gives the same
# bytes), the leaderboards are published from every part, and the part's claims are printed.
set -euo pipefail

tool=add-part
source "$(dirname "$0")/common.sh"
[ $# -eq 2 ] || fail "usage: tools/campaign/add-part.sh <study> <run folder>"
study=$1 run=$2
check_study_id "$study"
root=$repo_root
for f in results.jsonl cells.json training.jsonl; do
  [ -s "$run/$f" ] || fail "$run/$f is missing or empty: is '$run' a finished run folder (labbench run --out)?"
done
tags=$(campaign_tags)
commit=$(head -n 1 "$run/results.jsonl" | python3 -c "import json, sys; print(json.load(sys.stdin).get('provenance', {}).get('gitCommit', ''))" 2>/dev/null) || commit=
tag=$(campaign_tag_of "$commit")
[ -n "$tag" ] || fail "$run/results.jsonl line 1 was computed at ${commit:-an unknown commit}, which no campaign version names ($(echo $tags), campaign/frozen-code): run the part from a campaign version."

python3 - "$study" "$run" "$commit" "$tag" <<'EOF' || exit 2
import json, sys
study, run, commit, tag = sys.argv[1:]
cells = json.load(open(f'{run}/cells.json'))
# 'cached': finished in an earlier run of the part and loaded by this one (a resumed part)
bad = [f"{c['study']}/{c['arm']}/seed{c['seed']}: {c['status']}" for c in cells if c['status'] not in ('ok', 'cached')]
if bad: sys.exit(f"add-part: {len(bad)} cell(s) did not finish ({'; '.join(bad[:3])}): rerun the study (cached cells load) before adding it.")
for n, line in enumerate(open(f'{run}/results.jsonl'), 1):
    r = json.loads(line)
    if r.get('schema') == 'labbench.gate/v1': continue  # the run's own account of its gates; publish measures them again
    p = r.get('provenance', {})
    where = f"{run}/results.jsonl line {n}"
    if r['study'] != study: sys.exit(f"add-part: {where} is of study '{r['study']}', not '{study}'.")
    if p.get('profile') != 'campaign': sys.exit(f"add-part: {where} is of profile '{p.get('profile')}', not campaign.")
    if p.get('backend', 'none') != 'none' and p.get('nativeKernels') is not True: sys.exit(f"add-part: {where} was trained without the native (OpenBLAS) kernels, on which every campaign cell trains (its key differs from theirs): install libopenblas-dev, npm rebuild @labbench/tensor-native in the clone, and rerun.")
    if p.get('gitCommit') != commit: sys.exit(f"add-part: {where} was computed at {p.get('gitCommit')}, not at {tag} ({commit[:7]}) as line 1: a part runs from one tag.")
EOF

dest="$root/campaign/runs/$study"
mkdir -p "$dest"
cp "$run/results.jsonl" "$run/cells.json" "$dest/"
for csv in "$run"/*.csv; do [ -e "$csv" ] && cp "$csv" "$dest/"; done
gzip -n -c "$run/training.jsonl" > "$dest/training.jsonl.gz.tmp" && mv "$dest/training.jsonl.gz.tmp" "$dest/training.jsonl.gz"

# the part's cells kept between sessions (keep-cells.sh) are in its records now
rm -rf "${kept_cells:?}/$study"

cd "$root"
node packages/bench/bin/labbench.mjs publish --results campaign/runs/*/results.jsonl --out campaign/leaderboards
python3 - "$study" <<'EOF'
import json, sys
study = sys.argv[1]
for e in json.load(open('campaign/leaderboards/replication.json'))['entries']:
    if e['study'] != study: continue
    print(f"{e['claim']} [{e['role']}]: {e['verdict']} (corrected: {e.get('correctedVerdict')}); effect {e.get('effect')} interval {e.get('interval')} p {e.get('p')}")
    for g in e.get('gates') or []:
        print(f"  gate {g['gate']}: {g['measured']} {g['comparison']} {g['threshold']} -> {'pass' if g['passed'] else 'FAIL'}")
EOF
echo "add-part: $study (from $tag) added to campaign/runs/$study; campaign/leaderboards republished. Update campaign/README.md (parts table, what it says, what is left)."
