#!/usr/bin/env bash
# Deleting many ghcr.io versions: `portolan-cli cleanup PKG --delete-untagged --yes --json`
# (its deletes 4 at a time) against a shell loop of `portolan-cli version-delete PKG ID`,
# one process per version, over the same number of untagged versions pushed afresh for
# each. Against the tests' own ghcr.io, its Packages API answering each request after
# LATENCY_MS (as GitHub does, in tens of milliseconds); every version checked gone after
# each side. Goal: the clean-up at most 0.5× the loop. Builds the release CLI, RUNS times,
# prints medians.
#
#   bench/ghcr_delete.sh                   # RUNS=3 VERSIONS=500 LATENCY_MS=40
#   bench/ghcr_delete.sh --smoke           # RUNS=1 VERSIONS=20, debug binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  export RUNS=1 VERSIONS="${VERSIONS:-20}"
fi
bench_setup
bench_build -p portolan-cli
bench_build -p portolan-tests --bin portolan-ghcr-delete-perf
need "$bin/portolan-cli" "$bin/portolan-ghcr-delete-perf"
PORTOLAN_CLI="$bin/portolan-cli" "$bin/portolan-ghcr-delete-perf"
