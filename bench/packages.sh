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
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
cargo build --release --locked -p portolan-app -p portolan-cli
cargo build --release --locked -p portolan-tests --bin portolan-packages-perf
sandbox="$(mktemp -d)"
cleanup() {
  fusermount -uz "$sandbox/runtime/doc" 2>/dev/null || true
  rm -rf "$sandbox" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$sandbox/data" "$sandbox/runtime"
chmod 700 "$sandbox/runtime"
PORTOLAN_APP="$PWD/target/release/portolan" PORTOLAN_CLI="$PWD/target/release/portolan-cli" \
  XDG_DATA_HOME="$sandbox/data" XDG_RUNTIME_DIR="$sandbox/runtime" \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- scripts/with-keyring target/release/portolan-packages-perf
