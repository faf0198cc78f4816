#!/usr/bin/env bash
# The hand-off of a slot: from one task's exit to the next task's fork, as the kernel saw them
# (perf's sched_process_fork, _exec and _exit tracepoints), for baton, the spawn limit ("limit")
# and the spawn limit with a log file and a process group per task ("logs", SPEC 2.1's floor) on
# N /bin/true tasks, 2 jobs (1 for the limits on a chain), R rounds taking turns. Wall times on
# a shared 2-core VM spread by ±5-10% from one minute to the next; the hand-off is what baton's
# loop adds to every task, and its median moves by a few µs between rounds, so an A/B of two
# binaries can be read from it. Also per run: the span from the first fork to the last exit, and
# the program's time alone before it (exec to first fork) and after it (last exit to its exit).
# Needs perf and the right to trace (root, or kernel.perf_event_paranoid=-1).
#
# Usage: bench/handoff.sh [N] [R] [SHAPE...]   (defaults: 10000, 3, independent chain)
#        BATON=... (default build/baton), BATON_B=... (a second binary, timed in the same rounds),
#        BENCH_DIR=... (where baton's state goes; default /var/tmp, as engine.sh: rest the
#        machine ~5 minutes after a run of either, which deletes many files; /dev/shm has no such
#        wait, and creating a file costs less there)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
rounds=${2:-3}
shift $(($# < 2 ? $# : 2))
shapes=("$@")
((${#shapes[@]})) || shapes=(independent chain)
out=$root/bench/out

die() { echo "handoff.sh: $*" >&2; exit 1; }
[[ $n =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] || die "usage: bench/handoff.sh [N] [R] [SHAPE...]"
command -v perf >/dev/null || die "perf is missing (apt-get install linux-perf)"
declare -A binary=([baton]=${BATON:-$root/build/baton})
labels=(limit logs baton)
if [[ -n ${BATON_B:-} ]]; then
  binary[baton_b]=$BATON_B
  labels+=(baton_b)
fi
for label in "${labels[@]}"; do
  [[ $label == limit || $label == logs || -x ${binary[$label]} ]] ||
    die "no baton binary at ${binary[$label]}"
done

mkdir -p "$out"
cc -O2 -o "$out/spawn_limit" "$root/bench/spawn_limit.c"
# /var/tmp, not /tmp: see engine.sh.
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/baton-handoff.XXXXXX")
trap 'rm -rf "$work"' EXIT
perf record -q -o "$work/probe.data" -e sched:sched_process_exit -- true 2>/dev/null ||
  die "perf cannot record sched tracepoints here (run as root, or lower kernel.perf_event_paranoid)"

echo "| shape, tool | exit → next fork, µs | child fork → exit, µs | first fork → last exit, s | before, ms | after, ms |"
echo "| ----------- | -------------------: | --------------------: | ------------------------: | ---------: | --------: |"
runs=0
for shape in "${shapes[@]}"; do
  python3 "$root/bench/gen_workflow.py" "$shape" "$n" -o "$work/$shape.yaml"
  for ((r = 1; r <= rounds; r++)); do
    for label in "${labels[@]}"; do
      runs=$((runs + 1))
      jobs=2
      [[ $shape == chain ]] && jobs=1
      if [[ $label == limit ]]; then
        command=("$out/spawn_limit" "$n" "$jobs")
      elif [[ $label == logs ]]; then  # The limit with a log file and a process group per task.
        mkdir "$work/logs-$runs"
        command=("$out/spawn_limit" "$n" "$jobs" "$work/logs-$runs")
      else
        command=("${binary[$label]}" run "$work/$shape.yaml" --jobs 2 --state "$work/state-$runs"
          --progress none --quiet)
      fi
      perf record -q -o "$work/trace.data" -e sched:sched_process_fork \
        -e sched:sched_process_exec -e sched:sched_process_exit -- "${command[@]}" >/dev/null 2>"$work/stderr.txt" ||
        { head -n 20 "$work/stderr.txt" >&2; die "$label failed on $shape"; }
      perf script -i "$work/trace.data" >"$work/trace.txt" 2>/dev/null
      python3 "$root/bench/handoff.py" "$shape" "$label" "$r" "$work/trace.txt" "$work/runs.tsv"
    done
  done
done
echo
echo "Medians over the rounds (the steady state: from the first task's fork to the last one's exit):"
echo
python3 "$root/bench/handoff.py" --summary "$work/runs.tsv"
echo
echo "N=$n tasks of /bin/true, 2 jobs (the limits: 1 on a chain); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
