#!/usr/bin/env bash
# SPEC 7: `cmake --install` gives a package that a standalone project finds and links. Installs
# this build into a scratch prefix, builds examples/library against it alone, runs the program.
# Usage: check_installed_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cmake --install "$build" --prefix "$scratch/prefix" >"$scratch/install.log"
cmake -S "$source/examples/library" -B "$scratch/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" >"$scratch/configure.log"
cmake --build "$scratch/build" >"$scratch/build.log" || { cat "$scratch/build.log"; exit 1; }
"$scratch/build/nightly_report" >"$scratch/out.txt" 2>&1 || { cat "$scratch/out.txt"; exit 1; }
for expected in "## Orchestration Report" "- Tasks completed: 6/6" \
  "published at https://reports.example/nightly after 2 attempts"; do
  grep -qF -- "$expected" "$scratch/out.txt" || {
    echo "missing from the example's output: $expected"
    cat "$scratch/out.txt"
    exit 1
  }
done
echo "examples/library built against the installed package and ran"
