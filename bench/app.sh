#!/usr/bin/env bash
# Desktop app performance: cold start, a 10,000-tag repository, memory of all the app's
# processes, release binary size. Builds the release app and a blank Tauri 2 window
# (bench/blank-window: same Tauri, WebKitGTK, window size and flags, an empty page), then
# drives both in turn in a real window under Xvfb (with a private D-Bus session and
# keyring), RUNS times, and prints medians: Portolan's memory as a ratio to the blank
# window's (goal: at most 1.15x with 10,000 tags listed).
#
#   bench/app.sh                  # TAGS=10000 RUNS=5
#   LEVERS=1 bench/app.sh         # also Portolan with each WebKit memory lever switched
#   bench/app.sh --smoke          # TAGS=300 RUNS=1, debug binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  export RUNS=1 TAGS="${TAGS:-300}"
fi
bench_setup
bench_ui
bench_build -p portolan-app
bench_build -p portolan-blank-window
bench_build -p portolan-tests --bin portolan-app-perf
need "$bin/portolan" "$bin/blank-window" "$bin/portolan-app-perf"
sandbox="$(mktemp -d)"
# The desktop portal that WebKit starts on the private bus may leave a FUSE mount in the
# runtime folder for a moment after the session ends: unmount it, and never let cleanup
# decide the exit status.
cleanup() {
  fusermount -uz "$sandbox/runtime/doc" 2>/dev/null || true
  rm -rf "$sandbox" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$sandbox/data" "$sandbox/runtime"
chmod 700 "$sandbox/runtime"
PORTOLAN_APP="$bin/portolan" BLANK_APP="$bin/blank-window" \
  RELEASE_BINARY="$bin/portolan" \
  XDG_DATA_HOME="$sandbox/data" XDG_RUNTIME_DIR="$sandbox/runtime" \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- scripts/with-keyring "$bin/portolan-app-perf"
