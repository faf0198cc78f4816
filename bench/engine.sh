#!/usr/bin/env bash
# Times `baton run` on N /bin/true tasks of every shape against GNU make, Ninja, xargs, GNU parallel
# and the posix_spawn limit (bench/spawn_limit.c), 2 jobs, in the same run on the same machine
# (SPEC section 9, issue 3). Best wall time of 3, as a Markdown table.
# Usage: bench/engine.sh [N]   BENCH_DIR=/dev/shm bench/engine.sh (scratch files on tmpfs)
#
# The limit runs twice: bare (SPEC 9's reference), and with what SPEC 2.1 asks of every task, a
# process group and a log file of its own ("spawn limit + logs"), which no peer here writes.
# A shape with dependencies also has a limit of its own (bench/dag_limit.c, "DAG limit"): the same
# loop, starting each task once what it needs has exited. A chain runs one task at a time and a
# layered DAG's joins run alone whatever --jobs says, so no orchestrator can reach the bare limit
# there; baton is also set against this one, bare and with logs.
#
# Scratch files (workflows, baton's state, Ninja's log) go to a fresh folder under /var/tmp, never
# /tmp: creating a file in /tmp costs several times more on the project's VM (its directory's
# block group holds many recently deleted inodes, which ext4 skips one by one), and every baton
# task creates its log file. The folder is removed at the end; ext4 then skips those inodes for a
# few minutes, so let the machine rest ~5 minutes between two runs of this script.
# BENCH_DIR sets the folder's parent: on tmpfs (/dev/shm) a file costs a third of what it costs
# on this VM's ext4, which shows how much of a run is the file system's.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$root/build/baton}
n=${1:-10000}
jobs=2
repeats=3
out=$root/bench/out
shapes=(independent chain layered random)

die() { echo "engine.sh: $*" >&2; exit 1; }
[[ $n =~ ^[1-9][0-9]*$ ]] || die "usage: bench/engine.sh [N]   (N tasks, default 10000)"
[[ -x $baton ]] || die "no baton binary at $baton; build it (scripts/build) or set BATON=PATH"
for tool in python3 cc make ninja xargs; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done
have_parallel=1
if ! command -v parallel >/dev/null; then
  have_parallel=0
  echo "engine.sh: GNU parallel is missing (apt-get install parallel); its row is skipped" >&2
fi

mkdir -p "$out"
cc -O2 -o "$out/spawn_limit" "$root/bench/spawn_limit.c"
cc -O2 -o "$out/dag_limit" "$root/bench/dag_limit.c"
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/baton-engine.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The CPU time the hypervisor gave to other machines while this one's vCPUs wanted to run
# (/proc/stat's steal, in ms over all CPUs). On a shared VM it is the main source of noise: a run
# that lost a second of CPU to it is slower for no fault of its own.
stolen_ms() { awk '$1 == "cpu" { print $9 * 10; exit }' /proc/stat; }

# time_once LABEL COMMAND...: runs the command, prints its wall time in seconds, and leaves the
# CPU time stolen meanwhile in $work/stolen. A failed run stops the benchmark, since the time of
# a run that did not do the work means nothing.
time_once() {
  local label=$1 start end stolen
  shift
  stolen=$(stolen_ms)
  start=$EPOCHREALTIME
  if ! "$@" >"$work/stdout.txt" 2>"$work/stderr.txt"; then
    echo "engine.sh: $label failed: $*" >&2
    head -n 20 "$work/stderr.txt" >&2
    exit 1
  fi
  end=$EPOCHREALTIME
  echo $(($(stolen_ms) - stolen)) >"$work/stolen"
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }'
}

run_ninja() { (cd "$1" && ninja -j"$jobs" -f build.ninja); }
run_xargs() { xargs -P"$jobs" -I{} sh -c {} <"$1"; }
run_parallel() { parallel -j"$jobs" <"$1"; }

declare -A best  # best["shape tool"] = seconds
declare -A round # round["shape tool r"] = seconds, for the ratios of each round's runs
keep() {
  local key="$1 $2" t=$3
  round["$key $r"]=$t
  if [[ -z ${best[$key]:-} ]] || awk -v t="$t" -v b="${best[$key]}" 'BEGIN { exit !(t < b) }'; then
    best[$key]=$t
  fi
}

echo "engine.sh: N=$n, $jobs jobs, $repeats runs each, $(nproc) CPUs, load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg) at start; baton $baton" >&2
runs=0
all_stolen=()
for shape in "${shapes[@]}"; do
  dir=$work/$shape
  mkdir -p "$dir/ninja"
  gen=("$root/bench/gen_workflow.py" "$shape" "$n")
  python3 "${gen[@]}" -o "$dir/workflow.yaml"
  python3 "${gen[@]}" --format make -o "$dir/Makefile"
  python3 "${gen[@]}" --format ninja -o "$dir/ninja/build.ninja"
  tools=(limit logs baton make ninja)
  if [[ $shape != independent ]]; then
    python3 "${gen[@]}" --format deps -o "$dir/deps.txt"
    tools+=(dag dag_logs)
  fi
  if [[ $shape == independent ]]; then
    python3 "${gen[@]}" --format list -o "$dir/list.txt"
    tools+=(xargs)
    ((have_parallel)) && tools+=(parallel)
  fi
  # Rounds interleave the tools, so that a slow spell of the machine hits them all alike.
  for ((r = 1; r <= repeats; r++)); do
    for tool in "${tools[@]}"; do
      case $tool in
      limit) t=$(time_once "$tool" "$out/spawn_limit" "$n" "$jobs") ;;
      dag) t=$(time_once "$tool" "$out/dag_limit" "$dir/deps.txt" "$jobs") ;;
      logs | dag_logs)
        runs=$((runs + 1))
        mkdir "$work/logs-$runs"
        if [[ $tool == logs ]]; then
          t=$(time_once "$tool" "$out/spawn_limit" "$n" "$jobs" "$work/logs-$runs")
        else
          t=$(time_once "$tool" "$out/dag_limit" "$dir/deps.txt" "$jobs" "$work/logs-$runs")
        fi
        ;;
      baton)
        # A fresh state folder each run, deleted only at the end (see the top of this file).
        runs=$((runs + 1))
        t=$(time_once "$tool" "$baton" run "$dir/workflow.yaml" --jobs "$jobs" \
          --state "$work/state-$runs" --progress none --quiet)
        if ((r == 1)); then
          logs=$(find "$work/state-$runs" -name '*.log' -path '*/logs/*' | wc -l)
          ((logs == n)) || die "baton $shape wrote $logs task logs, expected $n"
        fi
        ;;
      make) t=$(cd "$dir" && time_once "$tool" make -s -j"$jobs" -f Makefile) ;;
      ninja)
        rm -f "$dir/ninja/.ninja_log" "$dir/ninja/.ninja_deps" # so that every task runs
        t=$(time_once "$tool" run_ninja "$dir/ninja")
        ;;
      xargs) t=$(time_once "$tool" run_xargs "$dir/list.txt") ;;
      parallel) t=$(time_once "$tool" run_parallel "$dir/list.txt") ;;
      esac
      keep "$shape" "$tool" "$t"
      stolen=$(<"$work/stolen")
      all_stolen+=("$stolen")
      echo "  $shape $tool run $r: $t s (stolen: $stolen ms)" >&2
    done
  done
done

# baton's own CPU (not its children's): perf stat without inheritance counts baton's thread only.
cpu_note=""
if command -v perf >/dev/null && perf stat --no-inherit -e task-clock -x, -o "$work/perf.txt" \
  "$baton" run "$work/independent/workflow.yaml" --jobs "$jobs" --state "$work/state-perf" \
  --progress none --quiet >/dev/null 2>&1; then
  ms=$(awk -F, '$3 == "task-clock" { print $1 }' "$work/perf.txt")
  limit_ms=""
  if perf stat --no-inherit -e task-clock -x, -o "$work/perf-limit.txt" \
    "$out/spawn_limit" "$n" "$jobs" >/dev/null 2>&1; then
    limit_ms=$(awk -F, '$3 == "task-clock" { print $1 }' "$work/perf-limit.txt")
  fi
  if [[ -n $ms ]]; then
    cpu_note=$(awk -v ms="$ms" -v lm="$limit_ms" -v n="$n" 'BEGIN {
      s = sprintf("baton process CPU (perf stat --no-inherit -e task-clock, independent): %.0f ms, %.1f µs per task", ms, ms * 1000 / n)
      if (lm != "") s = s sprintf("; spawn limit process: %.0f ms, %.1f µs per task", lm, lm * 1000 / n)
      print s }')
  fi
else
  cpu_note="perf stat unavailable: baton's own CPU per task not measured"
fi

# A shape's own limit: the DAG limit, or for independent tasks the bare one (they are the same).
shape_limit() { [[ $1 == independent ]] && echo limit || echo dag; }
shape_logs() { [[ $1 == independent ]] && echo logs || echo dag_logs; }

echo "| shape | tool | s | tasks/s | × limit | × DAG limit | × DAG limit + logs | × make | × ninja | baton − DAG limit, µs/task |"
echo "| ----- | ---- | -: | ------: | ------: | ----------: | -----------------: | -----: | ------: | -------------------------: |"
for shape in "${shapes[@]}"; do
  for tool in limit logs dag dag_logs baton make ninja xargs parallel; do
    t=${best["$shape $tool"]:-}
    [[ -n $t ]] || continue
    awk -v shape="$shape" -v tool="$tool" -v t="$t" -v n="$n" -v lim="${best["$shape limit"]}" \
      -v own="${best["$shape $(shape_limit "$shape")"]}" -v logs="${best["$shape $(shape_logs "$shape")"]}" \
      -v mk="${best["$shape make"]}" -v nj="${best["$shape ninja"]}" 'BEGIN {
        name = tool == "limit" ? "spawn limit" : tool == "logs" ? "spawn limit + logs" : \
               tool == "dag" ? "DAG limit" : tool == "dag_logs" ? "DAG limit + logs" : \
               tool == "xargs" ? "xargs (sh -c)" : tool
        mine = tool == "baton" || tool == "make" || tool == "ninja"
        vs_own = mine || tool == "dag_logs" ? sprintf("%.2f", t / own) : ""
        vs_logs = tool == "baton" ? sprintf("%.2f", t / logs) : ""
        vs_make = tool == "baton" ? sprintf("%.2f", t / mk) : ""
        vs_ninja = tool == "baton" ? sprintf("%.2f", t / nj) : ""
        over = tool == "baton" ? sprintf("%.0f", (t - own) * 1e6 / n) : ""
        printf "| %s | %s | %.2f | %.0f | %.2f | %s | %s | %s | %s | %s |\n",
               shape, name, t, n / t, t / lim, vs_own, vs_logs, vs_make, vs_ninja, over
      }'
  done
done

# The same ratios round by round: a round's runs are seconds apart, so a slow spell of the host,
# which lasts longer than a run, weighs on both sides of a ratio and the median of the rounds
# moves less than a best-of on each side.
median_ratio() { # SHAPE TOOL REFERENCE
  for ((r = 1; r <= repeats; r++)); do
    awk -v a="${round["$1 $2 $r"]}" -v b="${round["$1 $3 $r"]}" 'BEGIN { print a / b }'
  done | sort -g | awk '{ v[NR] = $1 } END {
    printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo
echo "| shape | baton × limit, median of rounds | baton × DAG limit | baton × DAG limit + logs | baton × make |"
echo "| ----- | ------------------------------: | ----------------: | -----------------------: | -----------: |"
for shape in "${shapes[@]}"; do
  echo "| $shape | $(median_ratio "$shape" baton limit) |" \
    "$(median_ratio "$shape" baton "$(shape_limit "$shape")") |" \
    "$(median_ratio "$shape" baton "$(shape_logs "$shape")") | $(median_ratio "$shape" baton make) |"
done
echo
echo "N=$n tasks of /bin/true, $jobs jobs, best of $repeats, state and logs in $(dirname "$work");" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo "$cpu_note"
# How noisy the host was: the CPU time stolen from each timed run (see stolen_ms).
printf '%s\n' "${all_stolen[@]}" | sort -n | awk '{ v[NR] = $1; sum += $1 } END {
  if (NR == 0) exit
  printf "CPU time stolen by the hypervisor during a run (/proc/stat steal): median %d ms, most %d ms, %d ms over all %d runs\n",
    v[int((NR + 1) / 2)], v[NR], sum, NR }'
