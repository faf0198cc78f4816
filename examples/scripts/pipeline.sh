#!/bin/sh
# The steps of examples/data-pipeline.yaml: a day of regional sales exports (CSV) is checked,
# summarised file by file, merged and published, inside a scratch workspace under $TMPDIR.
# Usage: pipeline.sh STEP [ARG]   (each step runs in a few milliseconds)
set -eu

W="${TMPDIR:-/tmp}/baton-data-pipeline-${BATON_RUN_ID:-manual}"
DAY="${DAY:-2024-06-01}"
step="${1:?usage: pipeline.sh STEP [ARG]}"
header="order_id,region,sku,quantity,unit_price_cents"

# count DIR: the number of files in DIR.
count() {
  set -- "$1"/*
  if [ -e "$1" ]; then echo $#; else echo 0; fi
}

case "$step" in
init)
  rm -rf "$W"
  mkdir -p "$W/incoming" "$W/summaries" "$W/quarantine" "$W/reports" "$W/reference"
  echo "workspace ready: $W"
  ;;
extract)
  # Six shops export their day; latam's export has a malformed row on purpose.
  seed=1
  for region in amer anz apac emea india latam; do
    seed=$((seed + 1))
    awk -v region="$region" -v seed="$seed" -v header="$header" 'BEGIN {
      print header
      for (i = 1; i <= 3 + seed % 4; i++)
        printf "%d,%s,SKU-%d,%d,%d\n", seed * 1000 + i, region, (i * seed) % 7 + 1, i % 3 + 1, 499 + 250 * ((i + seed) % 5)
    }' > "$W/incoming/sales-$region-$DAY.csv"
  done
  echo "9999,latam,SKU-3,two,1299" >> "$W/incoming/sales-latam-$DAY.csv"
  echo "extracted $(count "$W/incoming") exports for $DAY"
  ;;
reference)
  printf '%s\n' code,name amer,Americas anz,Australia-NZ apac,Asia-Pacific \
    emea,Europe-Middle-East-Africa india,India latam,Latin-America > "$W/reference/regions.csv"
  echo "loaded $(($(wc -l < "$W/reference/regions.csv") - 1)) regions"
  ;;
process)
  file="${2:?process needs a file name}"
  in="$W/incoming/$file"
  # Exit 65 (EX_DATAERR) marks bad data: the workflow does not retry it.
  if ! awk -F, -v header="$header" '
      NR == 1 { if ($0 != header) { print "bad header: " $0; exit 1 } next }
      NF != 5 || $4 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/ { print "line " NR ": " $0; bad = 1 }
      END { exit bad }' "$in" >&2; then
    mv "$in" "$W/quarantine/"
    echo "$file: malformed, moved to quarantine" >&2
    exit 65
  fi
  awk -F, 'NR > 1 { orders++; units += $4; cents += $4 * $5; region = $2 }
    END { printf "%s,%d,%d,%d\n", region, orders, units, cents }' "$in" \
    > "$W/summaries/${file%.csv}.sum"
  echo "$file: $(cat "$W/summaries/${file%.csv}.sum")"
  ;;
merge)
  {
    echo "region,orders,units,revenue_cents"
    cat "$W"/summaries/*.sum | sort
  } > "$W/reports/daily.csv"
  total=$(awk -F, 'NR > 1 { t += $4 } END { print t + 0 }' "$W/reports/daily.csv")
  echo "total=$total" >> "${BATON_OUTPUT:-/dev/null}"
  echo "merged $(($(wc -l < "$W/reports/daily.csv") - 1)) regions, revenue $total cents"
  ;;
check-counts)
  summarised=$(count "$W/summaries")
  quarantined=$(count "$W/quarantine")
  echo "found ${EXPECTED_FILES:?}, summarised $summarised, quarantined $quarantined"
  [ $((summarised + quarantined)) -eq "$EXPECTED_FILES" ]
  ;;
check-regions)
  awk -F, 'NR == FNR { known[$1] = 1; next }
    FNR > 1 && !($1 in known) { print "unknown region " $1; bad = 1 }
    END { exit bad }' "$W/reference/regions.csv" "$W/reports/daily.csv"
  echo "every region is in the reference table"
  ;;
check-total)
  [ "${TOTAL:?}" -gt 0 ] || { echo "revenue is $TOTAL" >&2; exit 1; }
  echo "revenue $TOTAL cents > 0"
  ;;
export)
  format="${2:?export needs a format}"
  out="$W/reports/daily-$DAY.$format"
  case "$format" in
  csv) cp "$W/reports/daily.csv" "$out" ;;
  json)
    awk -F, 'NR > 1 { printf "%s{\"region\":\"%s\",\"orders\":%d,\"units\":%d,\"revenue_cents\":%d}", \
      (NR > 2 ? "," : "["), $1, $2, $3, $4 } END { print "]" }' "$W/reports/daily.csv" > "$out" ;;
  md)
    awk -F, 'NR == 1 { print "| region | orders | units | revenue |"; print "| --- | --- | --- | --- |"; next }
      { printf "| %s | %d | %d | %.2f |\n", $1, $2, $3, $4 / 100 }' "$W/reports/daily.csv" > "$out" ;;
  *) echo "unknown format $format" >&2; exit 2 ;;
  esac
  echo "wrote $out"
  ;;
index)
  (cd "$W/reports" && ls daily-* > index.txt)
  echo "published:"
  sed 's/^/  /' "$W/reports/index.txt"
  ;;
tidy)
  if [ "${KEEP_WORKSPACE:-0}" = 1 ]; then
    echo "kept $W"
  else
    rm -rf "$W"
    echo "removed $W"
  fi
  ;;
*)
  echo "pipeline.sh: unknown step '$step'" >&2
  exit 2
  ;;
esac
