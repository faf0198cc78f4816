#!/bin/sh
# The steps of examples/release.yaml: builds, tests, packages and "deploys" greeter, a tiny
# shell program, entirely inside a scratch workspace under $TMPDIR (one per run).
# Usage: release.sh STEP [ARG]   (each step runs in a few milliseconds)
set -eu

W="${TMPDIR:-/tmp}/baton-release-${BATON_RUN_ID:-manual}"
APP="${APP:-greeter}"
VERSION="${VERSION:-0.0.0}"
step="${1:?usage: release.sh STEP [ARG]}"

case "$step" in
checkout)
  rm -rf "$W"
  mkdir -p "$W/src/migrations" "$W/out" "$W/docs" "$W/dist" "$W/reports"
  cat > "$W/src/$APP.sh" <<'SRC'
#!/bin/sh
# greeter: says hello to its first argument.
echo "Hello, ${1:-world}! (greeter @VERSION@ @TARGET@)"
SRC
  printf '%s\n' "Greet by name." "Print the version and target." > "$W/src/NEWS"
  for m in 001_create_users 002_add_email 003_index_email; do
    echo "-- migration $m" > "$W/src/migrations/$m.sql"
  done
  echo "workspace ready: $W"
  ;;
compile)
  target="${2:?compile needs a target}"
  mkdir -p "$W/out/$target"
  sed -e "s/@VERSION@/$VERSION/" -e "s/@TARGET@/$target/" "$W/src/$APP.sh" > "$W/out/$target/$APP"
  chmod +x "$W/out/$target/$APP"
  echo "compiled $APP $VERSION for $target"
  ;;
docs)
  printf '.TH %s 1\n.SH NAME\n%s \\- say hello\n.SH VERSION\n%s\n' "$APP" "$APP" "$VERSION" \
    > "$W/docs/$APP.1"
  echo "rendered $APP.1"
  ;;
lint)
  if grep -n '[[:space:]]$' "$W/src/$APP.sh"; then
    echo "lint: trailing whitespace in $APP.sh" >&2
    exit 1
  fi
  echo "lint: $APP.sh is clean"
  ;;
unit-test)
  n=0
  for dir in "$W"/out/*/; do
    target=$(basename "$dir")
    got=$("$dir/$APP" baton)
    want="Hello, baton! ($APP $VERSION $target)"
    [ "$got" = "$want" ] || { echo "FAIL $target: got '$got', want '$want'" >&2; exit 1; }
    n=$((n + 1))
  done
  echo "unit tests: $n targets passed"
  ;;
integration-test)
  # The staging database "needs a moment" in the morning: attempts before $FLAKY_UNTIL fail,
  # which shows the retry policy at work.
  attempt="${BATON_ATTEMPT:-1}"
  if [ "$attempt" -lt "${FLAKY_UNTIL:-1}" ]; then
    echo "integration: staging database not ready (attempt $attempt)" >&2
    exit 75
  fi
  for name in Ada Grace Linus; do
    "$W/out/linux-amd64/$APP" "$name" | grep -q "^Hello, $name!" || exit 1
  done
  echo "integration: 3 scenarios passed on attempt $attempt" | tee "$W/reports/integration.txt"
  ;;
migration-check)
  i=0
  for f in "$W"/src/migrations/*.sql; do
    i=$((i + 1))
    case "$(basename "$f")" in
      "$(printf '%03d' "$i")"_*) ;;
      *) echo "migration out of sequence: $(basename "$f")" >&2; exit 1 ;;
    esac
  done
  echo "migrations: $i, numbered 001..$(printf '%03d' "$i")"
  ;;
archive)
  for dir in "$W"/out/*/; do
    target=$(basename "$dir")
    tar -cf "$W/dist/$APP-$VERSION-$target.tar" -C "$dir" "$APP" -C "$W/docs" "$APP.1"
    echo "packed $APP-$VERSION-$target.tar"
  done
  ;;
checksums)
  (cd "$W/dist" && cksum ./*.tar > CHECKSUMS)
  echo "file=$W/dist/CHECKSUMS" >> "${BATON_OUTPUT:-/dev/null}"
  cat "$W/dist/CHECKSUMS"
  ;;
changelog)
  { echo "## $APP $VERSION"; echo; sed 's/^/- /' "$W/src/NEWS"; } > "$W/dist/CHANGELOG.md"
  echo "wrote CHANGELOG.md"
  ;;
migrate)
  mkdir -p "$W/staging"
  for f in "$W"/src/migrations/*.sql; do
    echo "applied $(basename "$f" .sql)" >> "$W/staging/schema.log"
  done
  echo "staging database at migration $(wc -l < "$W/staging/schema.log" | tr -d ' ')"
  ;;
deploy)
  mkdir -p "$W/staging/releases/$VERSION"
  tar -xf "$W/dist/$APP-$VERSION-linux-amd64.tar" -C "$W/staging/releases/$VERSION"
  rm -f "$W/staging/current"
  ln -s "releases/$VERSION" "$W/staging/current"
  echo "staging now runs $APP $VERSION"
  ;;
smoke-test)
  "$W/staging/current/$APP" staging | grep "^Hello, staging!"
  ;;
promote)
  mkdir -p "$W/production"
  cp -R "$W/staging/releases/$VERSION" "$W/production/"
  echo "production now runs $APP $VERSION"
  ;;
announce)
  echo "$APP $VERSION released. Checksums (${CHECKSUMS:?}):"
  cat "$CHECKSUMS"
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
  echo "release.sh: unknown step '$step'" >&2
  exit 2
  ;;
esac
