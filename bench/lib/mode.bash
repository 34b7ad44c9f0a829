# Sourced by every bench/*.sh (from the repository's root) to choose between a measuring
# run and a smoke run. A smoke run (`--smoke` as the first argument, or BENCH_SMOKE=1;
# scripts/bench-smoke runs them all from scripts/test) takes tiny sizes and one run, and
# uses the debug binaries already built (`cargo build --workspace --bins`): it checks that
# the bench still works against today's app and CLI, and fails as the bench fails, but
# its numbers mean nothing. Sets:
#   smoke   1 for a smoke run, else 0
#   bin     the folder of the binaries (target/debug or target/release)
# and defines:
#   bench_setup           scripts/setup (skipped by a smoke run: scripts/test ran it)
#   bench_ui              the UI's build (skipped by a smoke run)
#   bench_build ARGS...   cargo build --release --locked ARGS (a smoke run checks instead
#                         that the debug binaries it needs are there)
#   need BINARY...        fail unless each binary is there
smoke=0
if [ "${1:-}" = --smoke ] || [ "${BENCH_SMOKE:-}" = 1 ]; then
  smoke=1
fi
export PATH="$HOME/.cargo/bin:$PATH"
if [ "$smoke" = 1 ]; then
  bin="$PWD/target/debug"
  echo "$(basename "$0"): smoke run (tiny sizes, one run, debug binaries)" >&2
else
  bin="$PWD/target/release"
fi

need() {
  local b
  for b in "$@"; do
    if [ ! -x "$b" ]; then
      echo "$(basename "$0"): $b is missing; a smoke run uses the debug build (cargo build --workspace --bins --locked)" >&2
      exit 1
    fi
  done
}

bench_setup() {
  [ "$smoke" = 1 ] || scripts/setup
}

bench_ui() {
  [ "$smoke" = 1 ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
}

bench_build() {
  [ "$smoke" = 1 ] || cargo build --release --locked "$@"
}
