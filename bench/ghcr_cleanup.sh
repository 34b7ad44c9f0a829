#!/usr/bin/env bash
# The plan of a version clean-up on ghcr.io over a package with many versions:
# `portolan-cli cleanup PKG --delete-untagged --keep-newest 10 --dry-run --json` against
# the tests' own ghcr.io (a real registry behind a front refusing DELETE, and a GitHub
# Packages API backed by it), every index's platform images checked kept. Goal: under 2 s
# for 5,000 versions. Builds the release CLI, RUNS times, prints the median.
#
#   bench/ghcr_cleanup.sh                  # RUNS=3 VERSIONS=5000
#   bench/ghcr_cleanup.sh --smoke          # RUNS=1 VERSIONS=150, debug binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  export RUNS=1 VERSIONS="${VERSIONS:-150}"
fi
bench_setup
bench_build -p portolan-cli
bench_build -p portolan-tests --bin portolan-ghcr-cleanup-perf
need "$bin/portolan-cli" "$bin/portolan-ghcr-cleanup-perf"
PORTOLAN_CLI="$bin/portolan-cli" "$bin/portolan-ghcr-cleanup-perf"
