#!/usr/bin/env bash
# Pull into the local engine: portolan-cli against the alternatives that run here, in the
# same run. Starts a local registry (Debian's docker-registry, loopback only) and Podman's
# Docker-compatible API service over a private store, builds an image of SIZE_MIB in
# LAYERS incompressible layers (real tars, stored gzip), and measures, RUNS times each,
# alternating the tools, with the engine emptied before each:
#   engine      portolan-cli pull REF --engine           (streamed into POST /images/load)
#   archive     portolan-cli pull REF --archive F && podman load -i F
#   skopeo      skopeo copy docker://REF docker-daemon:… (the same engine API)
#   podman      podman pull REF                          (the engine's own pull, no API)
# and prints medians, ratios to the engine's own pull, and portolan-cli's peak memory
# (/usr/bin/time -v) for --engine and --archive.
#
#   bench/engine.sh                    # RUNS=3 SIZE_MIB=1024 LAYERS=8
#   RUNS=1 SIZE_MIB=256 bench/engine.sh
#   bench/engine.sh --smoke            # RUNS=1 SIZE_MIB=4 LAYERS=2, the debug CLI
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/mode.bash
if [ "$smoke" = 1 ]; then
  RUNS=1 SIZE_MIB="${SIZE_MIB:-4}" LAYERS="${LAYERS:-2}"
fi
RUNS="${RUNS:-3}"
SIZE_MIB="${SIZE_MIB:-1024}"
LAYERS="${LAYERS:-8}"
bench_setup
command -v /usr/bin/time >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq time >/dev/null; }
bench_build --quiet -p portolan-cli
cli="$bin/portolan-cli"
need "$cli"

work="$(mktemp -d -p "${BENCH_DIR:-/tmp}" portolan-engine.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # vfs layers may be read-only copies: make them removable first.
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CACHE_HOME="$work/cache"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
mkdir -p "$work/reg"
cat >"$work/reg/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/reg/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: bench-only}
YML
docker-registry serve "$work/reg/config.yml" 2>"$work/reg/log" &
pids+=("$!")
host="127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "http://$host/v2/" >/dev/null && break; sleep 0.05; done

# Podman over a private store, as the tests run it (tests/src/podman.rs); overlay when
# the kernel lets this user mount it, else vfs (which copies every layer whole: slower
# for every tool alike).
mkdir -p "$work/podman/home/.config/containers" "$work/podman/run-xdg" "$work/podman/tmp"
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$work/podman/home/.config/containers/policy.json"
driver=overlay
podman_() {
  HOME="$work/podman/home" XDG_RUNTIME_DIR="$work/podman/run-xdg" TMPDIR="$work/podman/tmp" \
    podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver "$driver" \
    --cgroup-manager=cgroupfs --events-backend=file "$@"
}
podman_ info >/dev/null 2>&1 || { driver=vfs; rm -rf "$work/podman/root" "$work/podman/run"; }
# exec: the background job is podman itself, so the cleanup's kill reaches it.
(HOME="$work/podman/home" XDG_RUNTIME_DIR="$work/podman/run-xdg" TMPDIR="$work/podman/tmp" \
  exec podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver "$driver" \
  --cgroup-manager=cgroupfs --events-backend=file system service --time=0 "unix://$work/podman.sock") \
  2>"$work/podman/service.log" &
pids+=("$!")
export DOCKER_HOST="unix://$work/podman.sock"
for _ in $(seq 200); do curl -sf --unix-socket "$work/podman.sock" http://d/_ping >/dev/null && break; sleep 0.1; done
echo "podman $(podman --version | awk '{print $3}'), storage driver $driver" >&2

echo "building a ${SIZE_MIB} MiB image of $LAYERS incompressible layers..." >&2
python3 - "$work/src" "$SIZE_MIB" "$LAYERS" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
root, size_mib, layers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
blobs = os.path.join(root, "blobs", "sha256"); os.makedirs(blobs)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return d, len(data)
descs, diff_ids = [], []
for i in range(layers):
    payload = os.urandom(size_mib * 1024 * 1024 // layers)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        info = tarfile.TarInfo(f"data/layer-{i}.bin"); info.size = len(payload); info.mtime = 0
        t.addfile(info, io.BytesIO(payload))
    tar = raw.getvalue()
    diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
    # Stored (level 0) gzip: incompressible either way, and cheap to inflate.
    d, n = put(gzip.compress(tar, compresslevel=0, mtime=0))
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + d, "size": n})
config = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids},
          "config": {"Cmd": ["/data"]}, "history": [{"created_by": f"bench layer {i}"} for i in range(layers)]}
cd, cn = put(json.dumps(config).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cd, "size": cn}, "layers": descs}
md, mn = put(json.dumps(manifest).encode())
open(os.path.join(root, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(root, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": manifest["mediaType"], "digest": "sha256:" + md, "size": mn, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}))
PY
skopeo copy --quiet --dest-tls-verify=false "oci:$work/src:v1" "docker://$host/bench/big:v1"
rm -rf "$work/src"
ref="$host/bench/big:v1"

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
# The engine without the image, so every tool loads it whole.
empty_engine() { podman_ rmi -a -f >/dev/null 2>&1 || true; }
# The archive's load, timed on its own (the pull to the archive is measured first).
archive_then_load() { podman_ load -q -i "$work/pulled.tar" >/dev/null; }
export -f podman_ archive_then_load
export work driver

for run in $(seq "$RUNS"); do
  echo "run $run/$RUNS" >&2
  empty_engine
  measure engine-portolan "$cli" pull "$ref" --engine
  podman_ image exists "$ref" || { echo "the engine does not hold $ref" >&2; exit 1; }
  empty_engine
  measure archive-pull "$cli" pull "$ref" --archive "$work/pulled.tar"
  measure archive-load bash -c archive_then_load
  rm -f "$work/pulled.tar"
  empty_engine
  measure skopeo-daemon skopeo copy --quiet --src-tls-verify=false --dest-daemon-host "$DOCKER_HOST" \
    "docker://$ref" "docker-daemon:$ref"
  empty_engine
  measure podman-pull bash -c 'podman_ pull -q --tls-verify=false "$0"' "$ref"
done

python3 - "$results" "$SIZE_MIB" "$RUNS" "$driver" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, wall, rss = line.split("\t")
    rows[label].append((float(wall), int(rss)))
wall = {k: statistics.median(w for w, _ in v) for k, v in rows.items()}
rss = {k: statistics.median(r for _, r in v) / 1024 for k, v in rows.items()}
wall["archive"] = statistics.median(a[0] + b[0] for a, b in zip(rows["archive-pull"], rows["archive-load"]))
floor = wall["podman-pull"]
print(f"\n{sys.argv[2]} MiB image into Podman ({sys.argv[4]} storage), {sys.argv[3]} runs, medians:\n")
print("| into the engine | time | / podman pull | peak RSS of the client |")
print("|---|---|---|---|")
for label, key, mem in (("portolan-cli pull --engine", "engine-portolan", "engine-portolan"),
                        ("portolan-cli pull --archive + podman load", "archive", "archive-pull"),
                        ("skopeo copy … docker-daemon:", "skopeo-daemon", "skopeo-daemon"),
                        ("podman pull (the engine's own)", "podman-pull", None)):
    m = f"{rss[mem]:.1f} MB" if mem else "-"
    print(f"| {label} | {wall[key]:.2f} s | {wall[key] / floor:.2f} | {m} |")
PY
