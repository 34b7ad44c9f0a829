#!/usr/bin/env bash
# Listing packages and versions through GitHub's Packages API: `portolan-cli packages` and
# `versions` against the floors of fetching their pages one by one or 4 at a time, and the
# app's time from the last page served to every row listed (goal: within 1 s), then
# scrolling 5,000 versions. The API is a fake of the test's own answering each page after
# LATENCY_MS. Builds the release app and CLI, drives the app in a real window under Xvfb
# (with a private D-Bus session and keyring), RUNS times, and prints medians.
#
#   bench/packages.sh                                  # RUNS=3 PACKAGES=1000 VERSIONS=5000 LATENCY_MS=150
#   RUNS=1 LATENCY_MS=400 bench/packages.sh
#   bench/packages.sh --smoke                          # RUNS=1 PACKAGES=150 VERSIONS=150 LATENCY_MS=5, debug binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  # More than a page (100) of each, so that paging is exercised.
  export RUNS=1 PACKAGES="${PACKAGES:-150}" VERSIONS="${VERSIONS:-150}" LATENCY_MS="${LATENCY_MS:-5}"
fi
bench_setup
bench_ui
bench_build -p portolan-app -p portolan-cli
bench_build -p portolan-tests --bin portolan-packages-perf
need "$bin/portolan" "$bin/portolan-cli" "$bin/portolan-packages-perf"
sandbox="$(mktemp -d)"
cleanup() {
  fusermount -uz "$sandbox/runtime/doc" 2>/dev/null || true
  rm -rf "$sandbox" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$sandbox/data" "$sandbox/runtime"
chmod 700 "$sandbox/runtime"
PORTOLAN_APP="$bin/portolan" PORTOLAN_CLI="$bin/portolan-cli" \
  XDG_DATA_HOME="$sandbox/data" XDG_RUNTIME_DIR="$sandbox/runtime" \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- scripts/with-keyring "$bin/portolan-packages-perf"
