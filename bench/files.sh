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
#   bench/files.sh --smoke               # RUNS=1 FILES=300 FILE_KIB=1 MERGED_FILES=200, debug binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  export RUNS=1 FILES="${FILES:-300}" FILE_KIB="${FILE_KIB:-1}" MERGED_FILES="${MERGED_FILES:-200}"
fi
bench_setup
bench_build -p portolan-cli
bench_build -p portolan-tests --bin portolan-files-perf
need "$bin/portolan-cli" "$bin/portolan-files-perf"
PORTOLAN_CLI="$bin/portolan-cli" "$bin/portolan-files-perf"
