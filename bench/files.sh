#!/usr/bin/env bash
# Listing the files inside layers: `portolan-cli files` on a layer of FILES files (about
# 200 MB) against the floor of fetching and inflating the same blob with standard tools in
# the same run (`curl | tar -tz`, `curl | zstd -dc | tar -t`; goal ≤ 1.1×); the same
# listing from the cache (< 100 ms); the merged tree of a 10-layer image of 100,000 paths
# (< 1 s); the CLI's peak memory while listing, above its idle (< 50 MB). Builds the
# release CLI, starts a registry on loopback, RUNS times, and prints medians.
#
#   bench/files.sh                       # RUNS=3 FILES=50000 FILE_KIB=4
#   RUNS=1 FILES=10000 bench/files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p portolan-cli
cargo build --release --locked -p portolan-tests --bin portolan-files-perf
PORTOLAN_CLI="$PWD/target/release/portolan-cli" target/release/portolan-files-perf
