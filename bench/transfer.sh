#!/usr/bin/env bash
# Transfer benchmark: portolan-cli against skopeo and a curl floor, in the same run.
#
# Starts local registries (Debian's docker-registry, loopback only), builds a 1 GiB image
# of 8 incompressible layers, and measures, RUNS times each, alternating the tools:
#   pull   portolan-cli pull --oci | skopeo copy docker:// oci: | parallel curl to disk (floor)
#   push   into an empty registry: portolan-cli push | skopeo copy oci: docker:// | parallel curl POST+PUT (floor)
#   push2  the same image to another repository of the same registry (blobs mounted)
# and prints medians, ratios, and peak memory (/usr/bin/time -v).
#
#   bench/transfer.sh                  # RUNS=3 SIZE_MIB=1024
#   RUNS=5 SIZE_MIB=256 bench/transfer.sh
#   bench/transfer.sh --smoke          # RUNS=1 SIZE_MIB=8, the debug CLI
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  RUNS=1 SIZE_MIB="${SIZE_MIB:-8}"
fi
RUNS="${RUNS:-3}"
SIZE_MIB="${SIZE_MIB:-1024}"
LAYERS=8
bench_setup
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }
bench_build --quiet -p portolan-cli
cli="$bin/portolan-cli"
need "$cli"

work="$(mktemp -d -p "${BENCH_DIR:-/tmp}" portolan-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export XDG_CACHE_HOME="$work/cache"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_registry NAME: starts an empty registry, sets $reg_host and $reg_pid.
start_registry() {
  local dir="$work/reg-$1" port
  port="$(free_port)"
  mkdir -p "$dir"
  cat >"$dir/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: bench-only}
YML
  docker-registry serve "$dir/config.yml" 2>"$dir/log" &
  reg_pid=$!
  pids+=("$reg_pid")
  reg_host="127.0.0.1:$port"
  for _ in $(seq 100); do curl -sf "http://$reg_host/v2/" >/dev/null && return 0; sleep 0.05; done
  echo "registry did not start" >&2; cat "$dir/log" >&2; exit 1
}
stop_registry() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; rm -rf "$work/reg-$2"; }

echo "building a ${SIZE_MIB} MiB image of $LAYERS incompressible layers..." >&2
python3 - "$work/src" "$SIZE_MIB" "$LAYERS" <<'PY'
import gzip, hashlib, json, os, sys
root, size_mib, layers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
blobs = os.path.join(root, "blobs", "sha256"); os.makedirs(blobs)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return d, len(data)
descs = []
for i in range(layers):
    # Stored (level 0) gzip of random bytes: incompressible, and no tool recompresses it.
    d, n = put(gzip.compress(os.urandom(size_mib * 1024 * 1024 // layers), compresslevel=0, mtime=0))
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + d, "size": n})
config = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [x["digest"] for x in descs]},
          "history": [{"created_by": f"bench layer {i}"} for i in range(layers)]}
cd, cn = put(json.dumps(config).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cd, "size": cn}, "layers": descs}
md, mn = put(json.dumps(manifest).encode())
open(os.path.join(root, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(root, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": manifest["mediaType"], "digest": "sha256:" + md, "size": mn, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}))
PY
blob_list="$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("\n".join([m["config"]["digest"]]+[l["digest"] for l in m["layers"]]))' \
  "$work/src/blobs/sha256/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$work/src/index.json")")"

start_registry pull
pull_host="$reg_host"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/src:v1" "docker://$pull_host/bench/big:v1"

results="$work/results.tsv"
: >"$results"
# measure LABEL CMD...: wall seconds and peak RSS (KiB) of CMD, appended to $results.
measure() {
  local label="$1"; shift
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/cmd.err" || { cat "$work/cmd.err" >&2; exit 1; }
  read -r wall rss <"$work/time.out"
  printf '%s\t%s\t%s\n' "$label" "$wall" "$rss" >>"$results"
  printf '  %-16s %6.2f s  %7.1f MB\n' "$label" "$wall" "$(echo "$rss/1024" | bc -l)" >&2
}
curl_pull() {
  mkdir -p "$1"
  printf '%s\n' $blob_list | xargs -P 8 -I{} curl -sSf -o "$1/{}" "http://$pull_host/v2/bench/big/blobs/{}"
}
curl_push() {
  local host="$1"
  printf '%s\n' $blob_list | xargs -P 8 -I{} sh -c '
    loc=$(curl -sf -X POST -D - -o /dev/null "http://'"$host"'/v2/bench/curl/blobs/uploads/" | tr -d "\r" | sed -n "s/^[Ll]ocation: //p")
    case "$loc" in http*) ;; *) loc="http://'"$host"'$loc";; esac
    curl -sf -X PUT -H "Content-Type: application/octet-stream" --data-binary "@'"$work"'/src/blobs/sha256/${1#sha256:}" "$loc&digest=$1" -o /dev/null' _ {}
}
export work pull_host blob_list
export -f curl_pull curl_push

for run in $(seq "$RUNS"); do
  echo "run $run/$RUNS" >&2
  rm -rf "$work/out-"*
  measure pull-portolan "$cli" pull "$pull_host/bench/big:v1" --oci "$work/out-portolan"
  measure pull-skopeo skopeo copy --quiet --src-tls-verify=false "docker://$pull_host/bench/big:v1" "oci:$work/out-skopeo:v1"
  measure pull-curl bash -c 'curl_pull "$0"' "$work/out-curl"
  rm -rf "$work/out-"*

  rm -rf "$XDG_CACHE_HOME"
  start_registry push-p; h="$reg_host"; p="$reg_pid"
  measure push-portolan "$cli" push "$work/src:v1" "$h/bench/first:v1"
  measure push2-portolan "$cli" push "$work/src:v1" "$h/bench/second:v1"
  stop_registry "$p" push-p
  start_registry push-s; h="$reg_host"; p="$reg_pid"
  measure push-skopeo skopeo copy --quiet --dest-tls-verify=false "oci:$work/src:v1" "docker://$h/bench/first:v1"
  measure push2-skopeo skopeo copy --quiet --dest-tls-verify=false "oci:$work/src:v1" "docker://$h/bench/second:v1"
  stop_registry "$p" push-s
  start_registry push-c; h="$reg_host"; p="$reg_pid"
  measure push-curl bash -c 'curl_push "$0"' "$h"
  stop_registry "$p" push-c
done

python3 - "$results" "$SIZE_MIB" "$RUNS" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, wall, rss = line.split("\t")
    rows[label].append((float(wall), int(rss)))
med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v) / 1024) for k, v in rows.items()}
print(f"\n{sys.argv[2]} MiB image, {sys.argv[3]} runs, medians:\n")
print("| operation | portolan | skopeo | curl floor | portolan / skopeo | portolan / floor | peak RSS portolan | peak RSS skopeo |")
print("|---|---|---|---|---|---|---|---|")
for op in ("pull", "push", "push2"):
    p, s, c = med.get(op + "-portolan"), med.get(op + "-skopeo"), med.get(op + "-curl")
    fmt = lambda x: f"{x[0]:.2f} s" if x else "-"
    ratio = lambda a, b: f"{a[0] / b[0]:.2f}" if a and b and b[0] > 0 else "-"
    print(f"| {op} | {fmt(p)} | {fmt(s)} | {fmt(c)} | {ratio(p, s)} | {ratio(p, c)} | {p[1]:.1f} MB | {s[1]:.1f} MB |")
PY
