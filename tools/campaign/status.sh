#!/usr/bin/env bash
# Where the campaign stands, from the repository alone: per study, its planned cells (labbench plan
# --profile campaign), whether its part is added (campaign/runs/<study>), which cells are kept from
# unfinished runs (campaign/cells/<study>/cells.tsv, keep-cells.sh) and the planned hours of the
# rest at the plan's throughput (`labbench plan` says which: a stored measurement or its default),
# and scaled by the kept cells' measured wall time against their planned hours, when there are any.
# For an added part, the compute it measured: its cells' training seconds (training.jsonl, every
# trained cell, cached ones included) and evaluation seconds (cells.json, the cells its last run
# computed: a lower bound when the part loaded cells kept from an earlier session), in cell-hours:
# each cell ran in one process, most beside a second one. A training two parts share (dsmoe loads
# dense-baseline's models from the cache) counts once, in the part first in alphabetical order.
#
#   tools/campaign/status.sh [--json]
set -euo pipefail

tool=status
source "$(dirname "$0")/common.sh"
[ $# -eq 0 ] || [ "$*" = --json ] || fail "usage: tools/campaign/status.sh [--json]"
# the added parts (LABBENCH_CAMPAIGN_RUNS: another folder, for the tools' tests)
runs=${LABBENCH_CAMPAIGN_RUNS:-$repo_root/campaign/runs}
plan=$(campaign_plan) || fail "labbench plan --profile campaign failed (is '$repo_root' built? npm run build)."

PLAN=$plan python3 - "$runs" "$kept_cells" "${1:-}" <<'EOF'
import gzip, json, os, sys
runs, kept_dir, flag = sys.argv[1:]
plan = json.loads(os.environ['PLAN'])
studies = {}
for c in plan['cells']:
    s = studies.setdefault(c['study'], {'cells': 0, 'trained': 0, 'hours': 0.0, 'left': 0.0, 'kept': []})
    s['cells'] += 1
    s['trained'] += c['flopsPerTokenTrain'] > 0 and 'trainedBy' not in c
    s['hours'] += c['hours']
planned = {(c['study'], c['arm'], c['seed']): c['hours'] for c in plan['cells']}
seen_trainings = set()
def measured_compute(run):
    train = 0.0
    for line in gzip.open(f'{run}/training.jsonl.gz', 'rt'):
        if not line.strip(): continue
        t = json.loads(line)['training']
        # a cached training is the same record in every part that loads it: same seconds, same losses
        identity = (t.get('wallSeconds'), t.get('tokens'), json.dumps(t.get('trainLoss', [])[-1:]))
        if identity in seen_trainings: continue
        seen_trainings.add(identity)
        train += t.get('wallSeconds', 0)
    cells = json.load(open(f'{run}/cells.json'))
    cells = cells['cells'] if isinstance(cells, dict) else cells
    evaluate = sum(c.get('evalSeconds') or 0 for c in cells if c.get('status') == 'ok')
    return {'trainHours': train / 3600, 'evalHours': evaluate / 3600}
for study, s in sorted(studies.items()):
    run = f'{runs}/{study}'
    s['added'] = os.path.exists(f'{run}/results.jsonl')
    s['measured'] = measured_compute(run) if s['added'] and os.path.exists(f'{run}/training.jsonl.gz') and os.path.exists(f'{run}/cells.json') else None
    index = f'{kept_dir}/{study}/cells.tsv'
    measured = []  # (wall hours, planned hours) of kept cells that trained a model
    if os.path.exists(index):
        for arm, seed, key in (l.split('\t') for l in open(index).read().splitlines()[1:]):
            s['kept'].append({'arm': arm, 'seed': int(seed)})
            entry = f'{kept_dir}/{study}/evals/{key}.json.gz'
            if os.path.exists(entry) and (study, arm, int(seed)) in planned:
                payload = json.load(gzip.open(entry, 'rt'))['payload']
                if payload['artifact'].get('tokens', 0) > 0: measured.append((payload['wallSeconds'] / 3600, planned[(study, arm, int(seed))]))
    kept = {(k['arm'], k['seed']) for k in s['kept']}
    s['left'] = 0.0 if s['added'] else sum(c['hours'] for c in plan['cells'] if c['study'] == study and (c['arm'], c['seed']) not in kept)
    # the kept cells' measured wall time against their planned hours scales the rest of the study
    s['measuredRatio'] = sum(m for m, _ in measured) / sum(p for _, p in measured) if measured and sum(p for _, p in measured) > 0 else None
    s['leftMeasured'] = s['left'] * s['measuredRatio'] if s['measuredRatio'] is not None else None
left = sum(s['left'] for s in studies.values())
done = [s['measured'] for s in studies.values() if s['measured']]
measured = {'trainHours': sum(m['trainHours'] for m in done), 'evalHours': sum(m['evalHours'] for m in done)}
if flag == '--json':
    json.dump({'throughput': plan['throughput'], 'studies': studies, 'hoursLeft': left, 'measured': measured}, sys.stdout, indent=2)
    print()
    sys.exit(0)
print(f"campaign: {sum(s['added'] for s in studies.values())} of {len(studies)} parts added; {left:.1f} planned one-process hours left at {plan['throughput']['trainGflops']:g} GFLOP/s ({plan['throughput']['source']})")
print(f"added parts measured {measured['trainHours']:.1f} cell-hours of training and at least {measured['evalHours']:.1f} of evaluation (cells loaded from kept entries: training only)")
print('study\tcells\ttrained\tstate\thours left (plan)\thours left (at the kept cells\' measured rate)\tmeasured cell-hours (training + evaluation)')
for study, s in sorted(studies.items()):
    state = 'added' if s['added'] else f"{len(s['kept'])} kept" if s['kept'] else 'not started'
    at_rate = f"{s['leftMeasured']:.1f} ({s['measuredRatio']:.2f}x the plan)" if s['leftMeasured'] is not None else '-'
    spent = f"{s['measured']['trainHours']:.2f} + {s['measured']['evalHours']:.2f}" if s['measured'] else '-'
    print(f"{study}\t{s['cells']}\t{s['trained']}\t{state}\t{s['left']:.1f}\t{at_rate}\t{spent}")
    if s['kept'] and not s['added']:
        print('\tkept: ' + ', '.join(f"{k['arm']}/seed{k['seed']}" for k in s['kept']))
EOF
