#!/usr/bin/env bash
# Where the campaign stands, from the repository alone: per study, its planned cells (labbench plan
# --profile campaign), whether its part is added (campaign/runs/<study>), which cells are kept from
# unfinished runs (campaign/cells/<study>/cells.tsv, keep-cells.sh) and the planned hours of the
# rest at the plan's throughput (`labbench plan` says which: a stored measurement or its default).
#
#   tools/campaign/status.sh [--json]
set -euo pipefail

tool=status
source "$(dirname "$0")/common.sh"
[ $# -eq 0 ] || [ "$*" = --json ] || fail "usage: tools/campaign/status.sh [--json]"
root=$(cd "$(dirname "$0")/../.." && pwd)
plan=$(cd "$root" && node packages/bench/bin/labbench.mjs plan --profile campaign --json) || fail "labbench plan --profile campaign failed (is '$root' built? npm run build)."

PLAN=$plan python3 - "$root" "$kept_cells" "${1:-}" <<'EOF'
import json, os, sys
root, kept_dir, flag = sys.argv[1:]
plan = json.loads(os.environ['PLAN'])
studies = {}
for c in plan['cells']:
    s = studies.setdefault(c['study'], {'cells': 0, 'trained': 0, 'hours': 0.0, 'left': 0.0, 'kept': []})
    s['cells'] += 1
    s['trained'] += c['flopsPerTokenTrain'] > 0 and 'trainedBy' not in c
    s['hours'] += c['hours']
for study, s in studies.items():
    s['added'] = os.path.exists(f'{root}/campaign/runs/{study}/results.jsonl')
    index = f'{kept_dir}/{study}/cells.tsv'
    if os.path.exists(index):
        s['kept'] = [{'arm': a, 'seed': int(n)} for a, n, _ in (l.split('\t') for l in open(index).read().splitlines()[1:])]
    kept = {(k['arm'], k['seed']) for k in s['kept']}
    s['left'] = 0.0 if s['added'] else sum(c['hours'] for c in plan['cells'] if c['study'] == study and (c['arm'], c['seed']) not in kept)
left = sum(s['left'] for s in studies.values())
if flag == '--json':
    json.dump({'throughput': plan['throughput'], 'studies': studies, 'hoursLeft': left}, sys.stdout, indent=2)
    print()
    sys.exit(0)
print(f"campaign: {sum(s['added'] for s in studies.values())} of {len(studies)} parts added; {left:.1f} planned one-process hours left at {plan['throughput']['trainGflops']:g} GFLOP/s ({plan['throughput']['source']})")
print('study\tcells\ttrained\tstate\thours left')
for study, s in sorted(studies.items()):
    state = 'added' if s['added'] else f"{len(s['kept'])} kept" if s['kept'] else 'not started'
    print(f"{study}\t{s['cells']}\t{s['trained']}\t{state}\t{s['left']:.1f}")
    if s['kept'] and not s['added']:
        print('\tkept: ' + ', '.join(f"{k['arm']}/seed{k['seed']}" for k in s['kept']))
EOF
