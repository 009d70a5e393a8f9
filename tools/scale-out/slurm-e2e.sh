#!/usr/bin/env bash
# Proves the Slurm path end to end on this one machine (opt-in; not part of npm test):
# installs Debian's slurm-wlm and munge when missing, starts munged, slurmctld and slurmd on
# localhost with a throw-away configuration, submits a smoke study as a 2-task job array plus a
# dependent publish job (tools/scale-out/submit-slurm.sh), waits, then checks that the merged
# leaderboards equal an unsharded run's (records compared without timestamps and wall times).
# Usage: tools/scale-out/slurm-e2e.sh [study id]   (needs root, as on CI and these machines)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
study="${1:-dense-baseline}"
work="$(mktemp -d /tmp/labbench-slurm-XXXXXX)"
echo "slurm-e2e: working in $work"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-e2e: installing slurm-wlm and munge (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

host="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$work/spool/ctld" "$work/spool/d" "$work/logs" "$work/munge"
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=labbench
SlurmctldHost=$host
AuthType=auth/munge
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/spool/ctld
SlurmdSpoolDir=$work/spool/d
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/logs/slurmctld.log
SlurmdLogFile=$work/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF

# munge: a fresh key and socket of our own, so an existing munged (if any) is untouched.
socket="$work/munge/munge.socket"
mungekey --create --keyfile "$work/munge/munge.key" --force 2>/dev/null || dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --force --key-file "$work/munge/munge.key" --socket "$socket" --pid-file "$work/munge/munged.pid" --log-file "$work/logs/munged.log" --seed-file "$work/munge/seed"
# slurm's munge plugin finds the socket through AuthInfo
sed -i "s|^AuthType=auth/munge|AuthType=auth/munge\nAuthInfo=socket=$socket|" "$SLURM_CONF"

cleanup() {
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
  [ -f "$work/munge/munged.pid" ] && kill "$(cat "$work/munge/munged.pid")" 2>/dev/null || true
}
trap cleanup EXIT
slurmctld
slurmd
for _ in $(seq 1 60); do
  sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mixed' && break
  sleep 1
done
sinfo

export LABBENCH_HOME="$work/home" LABBENCH_RUNS="$work/runs" LABBENCH_PROFILE=smoke LABBENCH_STUDIES="$study"
export LABBENCH_PUBLISH_OUT="$work/published-sharded" LABBENCH_WORKDIR="$root" CI=1
"$root/tools/scale-out/submit-slurm.sh" 2 --chdir="$root" --output="$work/logs/%x-%A_%a.out" --cpus-per-task=1
for _ in $(seq 1 1800); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 2
done
cat "$work"/logs/labbench-*.out | tail -n 20 || true
[ -f "$LABBENCH_PUBLISH_OUT/results.jsonl" ] || { echo "slurm-e2e: the publish job wrote nothing (see $work/logs)"; exit 1; }

echo "slurm-e2e: the same study unsharded"
(cd "$root" && npx labbench run --profile smoke --study "$study" --out "$work/unsharded" >/dev/null 2>"$work/logs/unsharded.err")
(cd "$root" && npx labbench publish --results "$work/unsharded/results.jsonl" --out "$work/published-unsharded" >/dev/null)

node - "$LABBENCH_PUBLISH_OUT/results.jsonl" "$work/published-unsharded/results.jsonl" <<'JS'
const { readFileSync } = require('node:fs');
const stable = (path) => readFileSync(path, 'utf8').trim().split('\n').map((line) => {
  const { provenance, ...rest } = JSON.parse(line);
  const { date, wallSeconds, ...kept } = provenance;
  return JSON.stringify({ ...rest, provenance: kept });
}).sort();
const [a, b] = process.argv.slice(2).map(stable);
const same = a.length === b.length && a.every((x, i) => x === b[i]);
console.log(`slurm-e2e: ${a.length} sharded records vs ${b.length} unsharded: ${same ? 'identical' : 'DIFFERENT'}`);
process.exit(same ? 0 : 1);
JS
echo "slurm-e2e: passed"
