#!/usr/bin/env bash
# What the progress output costs a run: N independent /bin/true tasks, 2 jobs, store on, under a
# pseudo-terminal (`script`), with --progress none, tty and plain, interleaved. Prints the median
# wall time and baton's own CPU time (user + system) of R runs each. Usage: bench/progress.sh [N]
# [R]. Scratch state goes under /var/tmp (see engine.sh for why not /tmp).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$root/build/baton}
n=${1:-10000}
repeats=${2:-5}
modes=(none tty plain)

die() { echo "progress.sh: $*" >&2; exit 1; }
[[ $n =~ ^[1-9][0-9]*$ && $repeats =~ ^[1-9][0-9]*$ ]] || die "usage: bench/progress.sh [N] [R]"
[[ -x $baton ]] || die "no baton binary at $baton; build it (scripts/build) or set BATON=PATH"
for tool in python3 script /usr/bin/time; do command -v "$tool" >/dev/null || die "$tool is missing"; done

work=$(mktemp -d /var/tmp/baton-progress.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/gen_workflow.py" independent "$n" >"$work/wf.yaml"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A wall cpu # wall[mode] = "t1 t2 ...", cpu likewise
for ((i = 1; i <= repeats; i++)); do
  for mode in "${modes[@]}"; do
    # A fresh state folder per run, removed only at the end: deleting one between runs makes
    # the next run's file creation slower on ext4 (see engine.sh).
    cmd="/usr/bin/time -f '%e %U %S' -o $work/time.txt $baton run $work/wf.yaml --state $work/st-$mode-$i --jobs 2 -q --progress $mode"
    TERM=xterm script -qfec "$cmd" /dev/null >/dev/null
    read -r e u s <"$work/time.txt"
    wall[$mode]+="$e "
    cpu[$mode]+=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f ", u + s }')
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| --progress | wall s (median of $repeats) | baton CPU s (median) |"
echo "| --- | --- | --- |"
for mode in "${modes[@]}"; do
  echo "| $mode | $(median <<<"${wall[$mode]}") | $(median <<<"${cpu[$mode]}") |"
done
echo
echo "N = $n tasks, 2 jobs; load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
