#!/usr/bin/env bash
# The app's actions against portolan-cli doing the same work, in the same run: a pull of a
# SIZE_MIB image (app ≤ 1.1× the CLI), switching views while it runs (< 100 ms), and
# removing UNTAGS tags as one selection (≤ 0.5× a shell loop of `portolan-cli untag`).
# Builds the release app and CLI, then drives the app in a real window under Xvfb (with a
# private D-Bus session and keyring), RUNS times, and prints medians.
#
#   bench/actions.sh                       # RUNS=3 SIZE_MIB=1024 UNTAGS=500
#   RUNS=1 SIZE_MIB=256 UNTAGS=100 bench/actions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
cargo build --release --locked -p portolan-app -p portolan-cli
cargo build --release --locked -p portolan-tests --bin portolan-actions-perf
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
  dbus-run-session -- scripts/with-keyring target/release/portolan-actions-perf
