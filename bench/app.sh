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
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
cargo build --release --locked -p portolan-app
cargo build --release --locked -p portolan-blank-window
cargo build --release --locked -p portolan-tests --bin portolan-app-perf
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
PORTOLAN_APP="$PWD/target/release/portolan" BLANK_APP="$PWD/target/release/blank-window" \
  RELEASE_BINARY="$PWD/target/release/portolan" \
  XDG_DATA_HOME="$sandbox/data" XDG_RUNTIME_DIR="$sandbox/runtime" \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- scripts/with-keyring target/release/portolan-app-perf
