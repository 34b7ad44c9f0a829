#!/usr/bin/env bash
# What checking an image's supply chain costs: the shipped trusted roots loaded, each
# passing Sigstore conformance bundle verified (goal < 50 ms each), a 5,000-package SBOM
# parsed (goal < 300 ms). Builds the release binary, prints medians.
#
#   bench/supply_chain.sh            # RUNS=5 REPEAT=20 PACKAGES=5000
#   bench/supply_chain.sh --smoke    # RUNS=1 REPEAT=1 PACKAGES=200, debug binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  export RUNS=1 REPEAT=1 PACKAGES="${PACKAGES:-200}"
fi
bench_build -p portolan-tests --bin portolan-supply-chain-perf
need "$bin/portolan-supply-chain-perf"
"$bin/portolan-supply-chain-perf"
