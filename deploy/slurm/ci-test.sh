#!/bin/bash
# CI test of the shipped Slurm job script on a real single-node Slurm
# cluster on loopback: installs slurmctld, slurmd and munge (Debian/Ubuntu,
# as root, no systemd needed), starts them, submits a sharded sweep through
# deploy/slurm/ccsim.sbatch (array of 3 shards + the dependent merge job;
# shard 1 fails once and is rerun as the README says),
# and checks the merged files and standard output byte for byte against the
# unsharded sweep. Every daemon it started is stopped by its PID on exit,
# also on failure or SIGTERM; if Slurm cannot start, it fails loudly.
#
#   deploy/slurm/ci-test.sh          (called by .ci/run)
#
# Environment: CCSIM (binary, default target/release/ccsim, built if
# missing), WORK (scratch folder, default a new temporary one),
# PKGS (packages, default "slurmctld slurmd slurm-client munge").
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

WORK=${WORK:-$(mktemp -d)}
PKGS=${PKGS:-"slurmctld slurmd slurm-client munge"}
CCSIM=${CCSIM:-$ROOT/${CARGO_TARGET_DIR:-target}/release/ccsim}
STARTED_PIDS=()   # daemons started here, stopped on exit in reverse order

t() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(t)" 'BEGIN{printf "%.1f s", b-a}'; }
log() { echo "[slurm-ci $(date +%T)] $*"; }
fail() { echo "[slurm-ci] FAILED: $*" >&2; exit 1; }

dump_logs() {
  for f in /var/log/munge/munged.log /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log \
           "$WORK"/out/merge.log "$WORK"/slurm-*.out; do
    [ -f "$f" ] && { echo "=== $f"; tail -n 40 "$f"; }
  done
  return 0
}

wait_pidfile() {  # wait_pidfile FILE: echoes the PID once that process is alive
  local f=$1 p
  for _ in $(seq 1 100); do
    if [ -s "$f" ]; then p=$(cat "$f"); kill -0 "$p" 2>/dev/null && { echo "$p"; return 0; }; fi
    sleep 0.1
  done
  echo "no live PID in $f" >&2
  return 1
}

stop_pid() {      # TERM, wait up to 30 s, then KILL
  local p=$1
  kill -TERM "$p" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
}

teardown() {
  local rc=$?
  trap - TERM INT
  [ "$rc" -ne 0 ] && dump_logs
  # Cancel jobs while both daemons still run: a slurmstepd left behind by a
  # stopped slurmd keeps its job running and ignores SIGTERM.
  if [ "${#STARTED_PIDS[@]}" -eq 3 ]; then
    scancel -u "$(id -un)" 2>/dev/null || true
    for _ in $(seq 1 60); do
      [ -z "$(squeue -h 2>/dev/null)" ] && [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ] && break
      sleep 0.5
    done
  fi
  for (( i=${#STARTED_PIDS[@]}-1; i>=0; i-- )); do
    stop_pid "${STARTED_PIDS[i]}"
  done
  rm -f /run/slurmctld.pid /run/slurmd.pid
  if [ "$rc" -eq 0 ]; then rm -rf "$WORK"; log "passed; cluster stopped"; else log "FAILED (exit $rc); cluster stopped; files in $WORK"; fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 143' TERM INT

[ "$(id -u)" -eq 0 ] || fail "must run as root (installs packages, starts daemons)"
for d in slurmctld slurmd munged; do
  if pgrep -x "$d" >/dev/null; then fail "a $d is already running on this machine; stop it first"; fi
done

# ------------------------------------------------------------ ccsim binary
if [ ! -x "$CCSIM" ]; then
  log "building ccsim"
  cargo build --release --locked --quiet
fi
[ -x "$CCSIM" ] || fail "no ccsim binary at $CCSIM"

# ------------------------------------------------------------ install
export DEBIAN_FRONTEND=noninteractive
T=$(t)
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -q >/dev/null || fail "apt-get update"
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $PKGS >/dev/null || fail "apt-get install $PKGS"
fi
log "packages ready: $(since "$T")"

# ------------------------------------------------------------ munge
T=$(t)
mungekey --create --force --keyfile /etc/munge/munge.key
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge   # systemd would create it
runuser -u munge -- /usr/sbin/munged || fail "munged did not start"
STARTED_PIDS+=("$(wait_pidfile /run/munge/munged.pid)") || fail "munged did not start"
munge -n | unmunge >/dev/null || fail "munge does not authenticate"

# ------------------------------------------------------------ slurm.conf
# CPUs and memory as slurmd detects them: more than it detects drains the node.
read -r CPUS MEM < <(slurmd -C | sed -nE '1s/.*CPUs=([0-9]+).*RealMemory=([0-9]+).*/\1 \2/p')
[ -n "${CPUS:-}" ] && [ -n "${MEM:-}" ] || fail "slurmd -C reports no CPUs/RealMemory"
mkdir -p /etc/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
rm -rf /var/spool/slurmctld /var/spool/slurmd /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log
install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld /var/log/slurm
install -d -o root -g root -m 0755 /var/spool/slurmd

# ------------------------------------------------------------ daemons
/usr/sbin/slurmctld || fail "slurmctld did not start"
STARTED_PIDS+=("$(wait_pidfile /run/slurmctld.pid)") || fail "slurmctld did not start"
/usr/sbin/slurmd -N localhost || fail "slurmd did not start"
STARTED_PIDS+=("$(wait_pidfile /run/slurmd.pid)") || fail "slurmd did not start"
state=""
for _ in $(seq 1 120); do
  state=$(sinfo -h -n localhost -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "Slurm did not start: node state '$state', not idle"
log "cluster up (munged, slurmctld, slurmd: PIDs ${STARTED_PIDS[*]}): $(since "$T")"

# ------------------------------------------------------------ sharded sweep
# Small on purpose: a week of the minimal scenario, 3 levels, 7 replications
# in 3 uneven shards (2, 2, 3). Shard 1 fails on its first attempt (a
# wrapper around ccsim), so the test also walks the documented recovery:
# the merge job is cancelled, shard 1 is rerun alone and merges again.
ARGS=(sweep "$ROOT/scenarios/minimal.toml" -g agents --agents 21..23 -r 7 -s 11 -f json)
cd "$WORK"
cat > flaky-ccsim <<WRAP
#!/bin/bash
case " \$* " in
  *" 1/3 "*) if mkdir "$WORK/failed-once" 2>/dev/null; then echo "injected failure" >&2; exit 7; fi ;;
esac
exec "$CCSIM" "\$@"
WRAP
chmod +x flaky-ccsim

wait_queue() {     # until no job is pending or running (up to 5 minutes)
  local left
  for i in $(seq 1 600); do
    left=$(squeue -h -o %i) || fail "squeue failed"
    [ -z "$left" ] && return 0
    [ "$i" -eq 600 ] && fail "timed out; still queued: $left"
    sleep 0.5
  done
}
state_of() {       # state_of JOBID [TASK]: JobState of a job or array task
  local pat="^JobId=$1 "
  [ -n "${2:-}" ] && pat="ArrayJobId=$1 ArrayTaskId=$2 "
  scontrol -o show job "$1" | grep -E "$pat" | head -n 1 \
    | sed -nE 's/.*JobState=([A-Z_]+).*/\1/p'
}
merge_job() {      # the newest merge job
  scontrol -o show job | grep 'JobName=ccsim-merge' | sed -nE 's/^JobId=([0-9]+) .*/\1/p' | sort -n | tail -n 1
}

T=$(t)
JOB=$(CCSIM=$WORK/flaky-ccsim sbatch --parsable --array=0-2 "$ROOT/deploy/slurm/ccsim.sbatch" out "${ARGS[@]}") \
  || fail "sbatch refused the job script"
log "submitted array job $JOB (shard 1 fails once)"
"$CCSIM" "${ARGS[@]}" --out plain > plain.txt 2>/dev/null || fail "unsharded sweep"
wait_queue
M1=$(merge_job)
[ -n "$M1" ] || fail "the array submitted no merge job"
for k in 0 2; do [ "$(state_of "$JOB" $k)" = COMPLETED ] || fail "shard $k: $(state_of "$JOB" $k)"; done
[ "$(state_of "$JOB" 1)" = FAILED ] || fail "shard 1 should have failed: $(state_of "$JOB" 1)"
[ "$(state_of "$M1")" = CANCELLED ] || fail "merge job $M1 should be cancelled: $(state_of "$M1")"
[ ! -e out/result ] || fail "a result appeared although a shard failed"
log "shard 1 failed, merge job $M1 cancelled: $(since "$T")"

T=$(t)
JOB2=$(CCSIM=$WORK/flaky-ccsim CCSIM_SHARDS=3 sbatch --parsable --array=1 \
  "$ROOT/deploy/slurm/ccsim.sbatch" out "${ARGS[@]}") || fail "sbatch refused the rerun"
wait_queue
M2=$(merge_job)
[ "$M2" != "$M1" ] || fail "the rerun submitted no merge job"
[ "$(state_of "$JOB2" 1)" = COMPLETED ] || fail "rerun of shard 1: $(state_of "$JOB2" 1)"
[ "$(state_of "$M2")" = COMPLETED ] || fail "merge job $M2: $(state_of "$M2")"
log "shard 1 rerun (job $JOB2) and merge job $M2 completed: $(since "$T")"

for k in 0 1 2; do
  [ -s "out/parts/part-$k-of-3.ccpart" ] || fail "missing out/parts/part-$k-of-3.ccpart"
done
for f in sweep.json sweep.csv sweep.txt; do
  cmp "plain/$f" "out/result/$f" || fail "merged $f differs from the unsharded one"
done
cmp plain.txt out/merged.txt || fail "merged standard output differs from the unsharded one"
log "merged sweep.json, sweep.csv, sweep.txt and stdout identical to the unsharded sweep"
