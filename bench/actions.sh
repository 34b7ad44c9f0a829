#!/usr/bin/env bash
# The app's actions against portolan-cli doing the same work, in the same run: a pull of a
# SIZE_MIB image (app ≤ 1.1× the CLI), switching views while it runs (< 100 ms), and
# removing UNTAGS tags as one selection (≤ 0.5× a shell loop of `portolan-cli untag`).
# Builds the release app and CLI, then drives the app in a real window under Xvfb (with a
# private D-Bus session and keyring), RUNS times, and prints medians.
#
#   bench/actions.sh                       # RUNS=3 SIZE_MIB=1024 UNTAGS=500
#   RUNS=1 SIZE_MIB=256 UNTAGS=100 bench/actions.sh
#   bench/actions.sh --smoke               # RUNS=1 SIZE_MIB=64 UNTAGS=3, debug binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  # Large enough that the second pull is still running when the view is switched.
  export RUNS=1 SIZE_MIB="${SIZE_MIB:-64}" UNTAGS="${UNTAGS:-3}"
fi
bench_setup
bench_ui
bench_build -p portolan-app -p portolan-cli
bench_build -p portolan-tests --bin portolan-actions-perf
need "$bin/portolan" "$bin/portolan-cli" "$bin/portolan-actions-perf"
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
  dbus-run-session -- scripts/with-keyring "$bin/portolan-actions-perf"
