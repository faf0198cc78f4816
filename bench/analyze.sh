#!/usr/bin/env bash
# Times `baton validate` and `baton plan` on generated workflows of every shape (SPEC section 9):
# best wall time of 3 runs and peak RSS, as a Markdown table. Usage: bench/analyze.sh [N...]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$root/build/baton}
out=$root/bench/out
sizes=("$@")
((${#sizes[@]})) || sizes=(10000 100000)
repeats=3
slow=10 # seconds: a run this slow misses every goal, so it is not repeated

if [[ ! -x $baton ]]; then
  echo "analyze.sh: no baton binary at $baton; build it (scripts/build) or set BATON=PATH" >&2
  exit 1
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "analyze.sh: /usr/bin/time is missing (apt-get install time)" >&2
  exit 1
fi
mkdir -p "$out"

# measure FILE SUBCOMMAND [ARGS...]: prints "best_seconds peak_kib" over $repeats runs.
# Exits 1 with baton's own message if baton fails, since a number for a failed run means nothing.
measure() {
  local file=$1 best="" peak=0 i t kib
  shift
  for ((i = 0; i < repeats; i++)); do
    if ! /usr/bin/time -f '%e %M' -o "$out/time.txt" "$baton" "$@" "$file" \
      >/dev/null 2>"$out/stderr.txt"; then
      echo "analyze.sh: baton $* $file failed:" >&2
      head -n 20 "$out/stderr.txt" >&2
      return 1
    fi
    read -r t kib < <(tail -n 1 "$out/time.txt")
    if [[ -z $best ]] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
    if ((kib > peak)); then peak=$kib; fi
    if awk "BEGIN { exit !($t >= $slow) }"; then break; fi
  done
  echo "$best $peak"
}

# The goal for a size: SPEC 9 sets 2 s / 500 MB at 100,000 tasks and 3 s / 1 GB at 1,000,000.
goal() {
  if (($1 <= 100000)); then
    echo "2 500"
  elif (($1 <= 1000000)); then
    echo "3 1000"
  else
    echo "- -"
  fi
}

echo "| shape | tasks | file MB | validate s | validate MB | plan s | plan MB | goal (s, MB) | meets |"
echo "| ----- | ----: | ------: | ---------: | ----------: | -----: | ------: | ------------ | ----- |"
for n in "${sizes[@]}"; do
  for shape in independent chain layered random; do
    file=$out/$shape-$n.yaml
    if [[ ! -s $file || $root/bench/gen_workflow.py -nt $file ]]; then
      /usr/bin/python3 "$root/bench/gen_workflow.py" "$shape" "$n" -o "$file"
    fi
    validate=$(measure "$file" validate)
    plan=$(measure "$file" plan --format json)
    read -r vs vk <<<"$validate"
    read -r ps pk <<<"$plan"
    read -r goal_s goal_mb < <(goal "$n")
    awk -v shape="$shape" -v n="$n" -v size="$(stat -c %s "$file")" -v vs="$vs" -v vk="$vk" \
      -v ps="$ps" -v pk="$pk" -v gs="$goal_s" -v gm="$goal_mb" 'BEGIN {
        vmb = vk * 1024 / 1e6; pmb = pk * 1024 / 1e6; peak = vmb > pmb ? vmb : pmb
        meets = gs == "-" ? "-" : (vs + ps < gs && peak < gm ? "yes" : "NO")
        printf "| %s | %d | %.1f | %.2f | %.0f | %.2f | %.0f | %s, %s | %s |\n",
               shape, n, size / 1e6, vs, vmb, ps, pmb, gs, gm, meets
      }'
  done
done
rm -f "$out/time.txt" "$out/stderr.txt"
