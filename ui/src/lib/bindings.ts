// Generated from src-tauri/src/commands/list.rs by src-tauri/src/bindings.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p portolan-app generated

export type AppError = { 
/**
 * What kind of failure (`unauthorized`, `not_found`, `tls`...), to switch on.
 */
code: ErrorCode, 
/**
 * What happened and what to do, for people.
 */
message: string, 
/**
 * The registry host the failure is about, when there is one (so the UI can offer to
 * sign in to it, or point at its settings).
 */
registry: string | null, 
/**
 * Whether that registry is on this machine or its network (so advice can ask "is it
 * running?" rather than "are you offline?"); the rule is the engine's, not the UI's.
 */
registry_local: boolean, 
/**
 * The HTTP status the registry answered, when the failure is an answer it gave.
 */
status: number | null, 
/**
 * What was not found (`manifest HOST/REPO:TAG`), for a not-found failure.
 */
missing: string | null, };

export type Attachment = { 
/**
 * The attached manifest's digest.
 */
digest: Digest, 
/**
 * What it is.
 */
format: Format, 
/**
 * Where it was found.
 */
found_via: FoundVia, 
/**
 * The layer's (or artifact's) media type.
 */
media_type: string, 
/**
 * The attestation's predicate type (`https://slsa.dev/provenance/v1`, ...).
 */
predicate_type: string | null, 
/**
 * When it was made, as its annotation says (unverified).
 */
created: string | null, 
/**
 * The verdict.
 */
verdict: Verdict, };

export type BlobOutcome = "transferred" | "skipped" | "mounted";

export type BlobProgress = { 
/**
 * The blob.
 */
digest: Digest, 
/**
 * Bytes moved.
 */
done: number, 
/**
 * Its size.
 */
total: number, 
/**
 * How it ended, once it has: moved, skipped (already there) or mounted.
 */
outcome: BlobOutcome | null, };

export type Changed = { 
/**
 * The path.
 */
path: string, 
/**
 * The first image's entry.
 */
before: FileEntry, 
/**
 * The second image's entry.
 */
after: FileEntry, 
/**
 * What differs: `type`, `content`, `size`, `mode`, `owner`, `target`, `mtime`.
 */
what: Array<string>, };

export type CleanupPlan = { 
/**
 * The repository (`host/name`).
 */
repository: string, 
/**
 * Every tag considered, newest first (undated ones last).
 */
tags: Array<PlannedTag>, 
/**
 * What will be sent, in order.
 */
steps: Array<Step>, 
/**
 * Tags that stay.
 */
kept: number, 
/**
 * Tags that go.
 */
removed: number, 
/**
 * Images deleted.
 */
images_deleted: number, };

export type CleanupProgress = { 
/**
 * Tags handled so far (removed, failed or skipped).
 */
finished: number, 
/**
 * Tags the plan removes.
 */
total: number, 
/**
 * Tags not removed because their step failed, so far.
 */
failed: number, 
/**
 * Tags not removed because their step was skipped (changed since the preview), so far.
 */
skipped: number, };

export type CleanupRules = { 
/**
 * Keep the newest N tags (by their image's build date).
 */
keep_newest: number | null, 
/**
 * Keep the tags matching any of these patterns (`*` any run of characters, `?` one,
 * `[abc]` one of). An entry may hold several, separated by commas (a tag never has
 * one). Matching is case-sensitive, as tags are: `Release-*` does not keep
 * `release-1`.
 */
keep_matching: Array<string>, 
/**
 * Keep the tags whose image was built on or after this date (`YYYY-MM-DD`, UTC).
 */
keep_built_since: string | null, };

export type CleanupSummary = { 
/**
 * Steps done.
 */
done: number, 
/**
 * Steps failed.
 */
failed: number, 
/**
 * Steps not sent because the registry changed since the preview.
 */
skipped: number, 
/**
 * The summary in one line, as both front ends show it.
 */
headline: string, 
/**
 * Each step and how it ended.
 */
results: Array<StepResult>, };

export type Comparison = { 
/**
 * The image compared from.
 */
first: string, 
/**
 * The image compared to.
 */
second: string, 
/**
 * For indexes: which platform (this machine's when none).
 */
platform: string | null, 
/**
 * The window's number for this read (`cancel_read` stops it).
 */
read_id: number, };

export type Compression = "gzip" | "zstd" | "none" | "unknown";

export type ConfigSummary = { 
/**
 * `User`.
 */
user: string | null, 
/**
 * `WorkingDir`.
 */
working_dir: string | null, 
/**
 * `Env`.
 */
env: Array<string>, 
/**
 * `Entrypoint`.
 */
entrypoint: Array<string>, 
/**
 * `Cmd`.
 */
cmd: Array<string>, 
/**
 * `ExposedPorts`.
 */
exposed_ports: Array<string>, 
/**
 * `Labels`.
 */
labels: { [key in string]?: string }, 
/**
 * `StopSignal`.
 */
stop_signal: string | null, };

export type CopyRequest = { 
/**
 * What to copy: `host/repo:tag` or `host/repo@sha256:...`.
 */
from: string, 
/**
 * Where to: `host/repo:tag` (or `host/repo`, keeping the source's tag or digest).
 */
to: string, 
/**
 * Copy the referrers too.
 */
referrers: boolean, };

export type DeletePreview = { 
/**
 * The tags on the image now: they go with it.
 */
tags: Array<string>, 
/**
 * The tags of indexes (multi-arch images) that list it: deleting it breaks them for
 * its platform.
 */
listed_by: Array<string>, };

export type Digest = string;

export type DigestSource = "api" | "registry";

export type DroppedFiles = { 
/**
 * Their paths.
 */
paths: Array<string>, };

export type EngineChoice = { "kind": "auto" } | { "kind": "socket", 
/**
 * The address.
 */
host: string, } | { "kind": "off" };

export type EngineInfo = { 
/**
 * `Docker Engine`, `Podman Engine`.
 */
name: string, 
/**
 * Its version.
 */
version: string, 
/**
 * The Engine API version it speaks.
 */
api_version: string, 
/**
 * The platform it runs images for (`linux/amd64`).
 */
platform: string, 
/**
 * Where it listens and how it was found.
 */
socket: EngineSocket, };

export type EngineSocket = { 
/**
 * `unix:///path/to.sock` or `tcp://host:port`.
 */
host: string, 
/**
 * How it was found (`DOCKER_HOST`, `docker context "colima"`, `Podman's rootless
 * socket`...).
 */
found_by: string, };

export type EngineStatus = { "state": "ready", 
/**
 * What it is.
 */
info: EngineInfo, } | { "state": "off" } | { "state": "missing", 
/**
 * Every place looked at.
 */
looked: Array<string>, 
/**
 * What to do.
 */
hint: string, } | { "state": "unusable", 
/**
 * Where it was found, and how.
 */
socket: EngineSocket, 
/**
 * What went wrong.
 */
detail: string, 
/**
 * What to do.
 */
hint: string, };

export type EntryKind = { "type": "file" } | { "type": "dir" } | { "type": "symlink", 
/**
 * Where it points.
 */
target: string, } | { "type": "hardlink", 
/**
 * The path it shares content with.
 */
target: string, } | { "type": "char_device" } | { "type": "block_device" } | { "type": "fifo" } | { "type": "whiteout" } | { "type": "opaque_dir" } | { "type": "other", 
/**
 * The tar type byte.
 */
code: number, };

export type ErrorCode = "input" | "not_found" | "unauthorized" | "forbidden" | "unreachable" | "tls" | "insecure" | "rate_limited" | "integrity" | "too_large" | "unsupported" | "conflict" | "incomplete" | "registry" | "protocol" | "credentials" | "configuration" | "engine" | "cancelled" | "io" | "internal" | "untrusted";

export type ExpectedSigner = { 
/**
 * The certificate identity, exact.
 */
identity: string | null, 
/**
 * Or a pattern the identity must match.
 */
identity_pattern: string | null, 
/**
 * The OIDC issuer.
 */
issuer: string | null, };

export type FileEntry = { 
/**
 * The path, without a leading `./` or `/` (for a whiteout: the path it deletes; for an
 * opaque marker: its directory).
 */
path: string, 
/**
 * What it is.
 */
kind: EntryKind, 
/**
 * Bytes of content (files).
 */
size: number, 
/**
 * Permission bits and special bits (`0o755`).
 */
mode: number, 
/**
 * Owner id.
 */
uid: number, 
/**
 * Group id.
 */
gid: number, 
/**
 * Owner name, when the tar says.
 */
user: string | null, 
/**
 * Group name, when the tar says.
 */
group: string | null, 
/**
 * Modification time (Unix seconds).
 */
mtime: number, 
/**
 * The path as written was absolute or climbs out with `..`: a tool extracting this
 * layer naively would write outside its target.
 */
unsafe_path: boolean, 
/**
 * A regular file's content digest (sha256 of its bytes, computed as the layer
 * streamed past), so two images' files compare by content, not by size and time.
 */
content?: Digest, };

export type FileRead = { 
/**
 * The image (`host/repo:tag` or `@digest`).
 */
reference: string, 
/**
 * The layer.
 */
digest: Digest, 
/**
 * Its size as the manifest says.
 */
size: number, 
/**
 * The file's path in the layer.
 */
path: string, 
/**
 * The window's number for this read (`cancel_read` stops it).
 */
read_id: number, };

export type Format = "sigstore_bundle" | "cosign_signature" | "cosign_attestation" | "notation_signature" | "in_toto_statement" | "spdx" | "cyclone_dx" | "other";

export type FoundProvenance = { 
/**
 * The attached manifest's digest.
 */
attachment: string, 
/**
 * The image it describes and its platform, for an index's image.
 */
platform: string | null, 
/**
 * Where it was found.
 */
found_via: FoundVia, 
/**
 * Whether its signature holds.
 */
verdict: Verdict, 
/**
 * What it says.
 */
provenance: Provenance, };

export type FoundSbom = { 
/**
 * The attached manifest's digest.
 */
attachment: string, 
/**
 * The image it describes and its platform, for an index's image.
 */
platform: string | null, 
/**
 * Where it was found.
 */
found_via: FoundVia, 
/**
 * Whether anything signs it.
 */
verdict: Verdict, 
/**
 * The document.
 */
sbom: Sbom, 
/**
 * Its licenses, most common first.
 */
licenses: Array<LicenseCount>, };

export type FoundVia = { "via": "referrers_api" } | { "via": "fallback_tag" } | { "via": "cosign_tag", 
/**
 * The tag.
 */
tag: string, } | { "via": "index_entry" };

export type HistoryRow = { 
/**
 * When the step ran.
 */
created: string | null, 
/**
 * The command.
 */
created_by: string | null, 
/**
 * The comment.
 */
comment: string | null, 
/**
 * Whether the step changed no files (no layer).
 */
empty_layer: boolean, 
/**
 * The index of the layer it produced.
 */
layer: number | null, };

export type HostAdvice = { 
/**
 * The host as Portolan names it (`localhost:5000`, `docker.io`), when it is one.
 */
host: string | null, 
/**
 * Why it is not a host, when it is not.
 */
problem: string | null, 
/**
 * On this machine: plain HTTP is always tried when it does not speak TLS.
 */
loopback: boolean, 
/**
 * On this machine or a private network.
 */
local: boolean, 
/**
 * What to say when the user allows plain HTTP for it (a host that is not loopback).
 */
plain_http_warning: string | null, };

export type ImageDetails = { 
/**
 * The manifest digest.
 */
digest: Digest, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * Image or artifact.
 */
kind: ManifestKind, 
/**
 * The artifact type, for artifacts.
 */
artifact_type: string | null, 
/**
 * The manifest this one refers to, if any.
 */
subject: Subject | null, 
/**
 * From the config: `linux/amd64`.
 */
platform: Platform | null, 
/**
 * The config blob's digest and media type.
 */
config_digest: Digest, 
/**
 * The config's media type.
 */
config_media_type: string, 
/**
 * When the image was built, as the config says.
 */
created: string | null, 
/**
 * Runtime settings from the config (images only).
 */
config: ConfigSummary | null, 
/**
 * Layers in order, each with the history line that made it.
 */
layers: Array<LayerRow>, 
/**
 * Every history entry, empty ones included.
 */
history: Array<HistoryRow>, 
/**
 * Sum of the layer sizes (compressed, as stored).
 */
total_size: number, 
/**
 * The manifest's annotations.
 */
annotations: { [key in string]?: string }, };

export type ImageDiff = { 
/**
 * Layers both have.
 */
shared_layers: Array<Digest>, 
/**
 * Layers only the first has.
 */
only_first: Array<Digest>, 
/**
 * Layers only the second has.
 */
only_second: Array<Digest>, 
/**
 * Paths only the second has.
 */
added: Array<FileEntry>, 
/**
 * Paths only the first has.
 */
removed: Array<FileEntry>, 
/**
 * Paths both have, differing.
 */
changed: Array<Changed>, };

export type ImageReport = { 
/**
 * The reference as asked, fully qualified.
 */
reference: string, 
/**
 * The digest of the manifest or index the reference points at.
 */
digest: Digest, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * Image, index or artifact.
 */
kind: ManifestKind, 
/**
 * Size of the manifest itself in bytes.
 */
manifest_size: number, 
/**
 * For an index: its entries.
 */
platforms: Array<PlatformEntry>, 
/**
 * The image shown in detail (for an index, the chosen platform's).
 */
image: ImageDetails | null, 
/**
 * Annotations on the manifest or index.
 */
annotations: { [key in string]?: string }, 
/**
 * The `artifactType` the manifest or index declares, if any.
 */
artifact_type: string | null, 
/**
 * The manifest this one refers to (a signature's or SBOM's image), if any.
 */
subject: Subject | null, 
/**
 * The repository (`host/name`).
 */
repository: string, 
/**
 * The exact commands that pull this manifest by digest.
 */
pull_commands: PullCommands, 
/**
 * The registry's pull rate limit after these requests, when it reports one (Docker
 * Hub counts manifest GETs against it).
 */
rate_limit: RateLimit | null, };

export type LayerBlob = { 
/**
 * Its digest.
 */
digest: Digest, 
/**
 * Its size in bytes.
 */
size: number, };

export type LayerListing = { 
/**
 * The layer blob's digest (verified).
 */
digest: Digest, 
/**
 * The blob's size in bytes (what reading a file out of it again needs).
 */
size: number, 
/**
 * How it was compressed: `gzip`, `zstd` or `none`.
 */
compression: string, 
/**
 * Its entries, in tar order.
 */
entries: Array<FileEntry>, 
/**
 * Bytes of tar the layer inflated to (counted up to where the listing stopped).
 */
tar_bytes: number, 
/**
 * Whether the listing stopped at [`MAX_ENTRIES`] or [`MAX_LISTING_BYTES`].
 */
cut: boolean, 
/**
 * Whether its files carry content digests ([`Detail::ContentDigests`]).
 */
content_digests: boolean, 
/**
 * Why the layer was not read (its bytes are not in the registry: see
 * [`crate::layer_files::foreign`]); it then has no entries.
 */
not_fetched?: string, };

export type LayerRead = { 
/**
 * The image (`host/repo:tag` or `@digest`).
 */
reference: string, 
/**
 * The layer.
 */
digest: Digest, 
/**
 * Its size as the manifest says.
 */
size: number, 
/**
 * The window's number for this read (`cancel_read` stops it).
 */
read_id: number, };

export type LayerRow = { 
/**
 * Position, from 0 (the base).
 */
index: number, 
/**
 * The blob digest.
 */
digest: Digest, 
/**
 * The blob media type.
 */
media_type: string, 
/**
 * How the blob is compressed, as the media type says.
 */
compression: Compression, 
/**
 * Compressed size in bytes.
 */
size: number, 
/**
 * Where a foreign layer's bytes are (the descriptor's `urls`).
 */
urls: Array<string>, 
/**
 * Why the layer is not fetched: its bytes are not in the registry (see
 * [`crate::layer_files::foreign`]).
 */
not_fetched: string | null, 
/**
 * The history line (`RUN ...`, `COPY ...`), when the config has one.
 */
created_by: string | null, 
/**
 * The history comment.
 */
comment: string | null, 
/**
 * When that step ran.
 */
created: string | null, };

export type LicenseCount = { 
/**
 * The license (SPDX id or expression, or "unknown").
 */
license: string, 
/**
 * How many packages.
 */
packages: number, };

export type Links = { 
/**
 * The repository.
 */
repository: string | null, 
/**
 * The commit.
 */
commit: string | null, 
/**
 * The workflow file at that commit.
 */
workflow: string | null, 
/**
 * The CI run (GitHub Actions only).
 */
run: string | null, };

export type LocalImage = { 
/**
 * Its ID (`sha256:` of its config).
 */
id: string, 
/**
 * Its names (`host/repo:tag`).
 */
repo_tags: Array<string>, 
/**
 * The digests it was pulled by (`host/repo@sha256:…`).
 */
repo_digests: Array<string>, 
/**
 * Its size on disk, as the engine counts it.
 */
size: number, 
/**
 * When it was built (Unix seconds).
 */
created: number, 
/**
 * A container (running or stopped) uses it: the engine refuses to remove it.
 */
in_use: boolean, };

export type LocalImageDetails = { 
/**
 * Its ID (`sha256:` of its config).
 */
id: string, 
/**
 * Its names (`host/repo:tag`).
 */
repo_tags: Array<string>, 
/**
 * The digests it was pulled by (`host/repo@sha256:…`).
 */
repo_digests: Array<string>, 
/**
 * When it was built, as the engine says it (RFC 3339).
 */
created: string | null, 
/**
 * `os/arch[/variant]`.
 */
platform: string, 
/**
 * Its size on disk, as the engine counts it.
 */
size: number, 
/**
 * What runs: the entrypoint, then the command.
 */
entrypoint: Array<string>, 
/**
 * The default command.
 */
cmd: Array<string>, 
/**
 * `NAME=value`.
 */
env: Array<string>, 
/**
 * The working directory, when set.
 */
working_dir: string | null, 
/**
 * The user it runs as, when set.
 */
user: string | null, 
/**
 * `80/tcp`.
 */
exposed_ports: Array<string>, 
/**
 * Its labels, sorted by name.
 */
labels: Array<[string, string]>, 
/**
 * The steps that made it, oldest first.
 */
history: Array<LocalStep>, };

export type LocalStep = { 
/**
 * The command that made it.
 */
created_by: string, 
/**
 * The bytes it added (0: no layer).
 */
size: number, 
/**
 * When (Unix seconds).
 */
created: number, };

export type ManifestKind = "image" | "index" | "artifact";

export type Material = { 
/**
 * Its URI (`pkg:docker/alpine@3.19?platform=linux%2Famd64`,
 * `git+https://github.com/o/r@refs/heads/main`).
 */
uri: string, 
/**
 * Its digest, `algorithm:value` (`sha256:…`, `gitCommit:…`), the first stated.
 */
digest: string | null, };

export type MergedEntry = { 
/**
 * The entry as the last layer that wrote it has it.
 */
entry: FileEntry, 
/**
 * That layer (0 is the base).
 */
layer: number, 
/**
 * Earlier layers whose version of this path it replaced, in order.
 */
overwrote: Array<number>, };

export type MergedTree = { 
/**
 * Every path in the image, sorted.
 */
entries: Array<MergedEntry>, 
/**
 * The layers, base first (an entry's `layer` indexes this): where to read a file.
 */
layers: Array<LayerBlob>, 
/**
 * File bytes across all layers.
 */
total_bytes: number, 
/**
 * File bytes in lower layers that later layers overwrite or delete.
 */
wasted_bytes: number, 
/**
 * What was wasted, biggest first.
 */
wasted: Array<Wasted>, 
/**
 * Layers that were not read (their bytes are not in the registry), and why: the tree
 * lacks what they hold.
 */
skipped: Array<SkippedLayer>, };

export type NewRegistry = { 
/**
 * What the sidebar shows (the host when empty).
 */
name: string, 
/**
 * Host (and port).
 */
host: string, 
/**
 * Allow plain HTTP.
 */
insecure: boolean, 
/**
 * An extra CA certificate file (PEM) to trust (none when empty).
 */
ca_file: string | null, };

export type OwnerKind = "user" | "organization";

export type Package = { 
/**
 * Its name.
 */
name: string, 
/**
 * Its version, when stated.
 */
version: string | null, 
/**
 * Its package URL (`pkg:npm/left-pad@1.3.0`), when stated.
 */
purl: string | null, 
/**
 * Its licenses (SPDX expressions or names), as stated.
 */
licenses: Array<string>, 
/**
 * Its ecosystem: the purl's type (`npm`, `deb`, `golang`...), when it has a purl.
 */
ecosystem: string | null, };

export type PackageList = { 
/**
 * Which API answered.
 */
vendor: Vendor, 
/**
 * The owners listed (the signed-in user and their organisations, or the one named).
 */
owners: Array<string>, 
/**
 * Most recently updated first.
 */
packages: Array<PackageRow>, 
/**
 * The API's rate limit after the listing.
 */
rate_limit: RateLimit | null, };

export type PackageRow = { 
/**
 * Its name under the owner (`app`, `team/app`).
 */
name: string, 
/**
 * The owner (user, organisation or namespace).
 */
owner: string, 
/**
 * Whether the owner is a user or an organisation (GitHub's pages differ).
 */
owner_kind: OwnerKind, 
/**
 * The repository to open in the registry (`ghcr.io/owner/app`).
 */
repository: string, 
/**
 * `public`, `private`, `internal`, or none when the API did not say.
 */
visibility: string | null, 
/**
 * Versions (GitHub), when known.
 */
version_count: number | null, 
/**
 * Pulls (Docker Hub), when known.
 */
pull_count: number | null, 
/**
 * Bytes stored (Docker Hub), when known.
 */
storage_size: number | null, 
/**
 * When it last changed (RFC 3339).
 */
updated_at: string | null, 
/**
 * The source repository it is linked to (`owner/repo` on GitHub).
 */
source_repository: string | null, 
/**
 * Its page on the vendor's site (built from its parts: see `web_pages`).
 */
page_url: string | null, 
/**
 * Where its visibility is changed (GitHub: its settings page; no API changes it).
 */
settings_url: string | null, };

export type PlannedTag = { 
/**
 * The tag.
 */
tag: string, 
/**
 * Where it points now.
 */
digest: Digest, 
/**
 * When its image was built, when known.
 */
created: string | null, 
/**
 * What happens to it.
 */
fate: TagFate, 
/**
 * Why, in words.
 */
why: string, 
/**
 * Other tags on the same image: the first [`SHARES_SHOWN`] of them.
 */
shares_with: Array<string>, 
/**
 * How many more tags the image has beyond `shares_with`.
 */
shares_more: number, };

export type PlannedVersion = { 
/**
 * GitHub's id.
 */
id: number, 
/**
 * The manifest digest.
 */
digest: string, 
/**
 * Its tags when planned (a delete is skipped when they differ when it runs).
 */
tags: Array<string>, 
/**
 * When it was created.
 */
created_at: string | null, 
/**
 * Its platform, when it is a platform image of an index.
 */
platform: string | null, 
/**
 * What happens to it.
 */
fate: VersionFate, 
/**
 * The tags removed from it (fate `untag`).
 */
untag: Array<string>, 
/**
 * Why, in words.
 */
why: string, };

export type Platform = string;

export type PlatformEntry = { 
/**
 * `linux/arm64/v8`, or `unknown/unknown` when the index does not say (attestations).
 */
platform: Platform, 
/**
 * The entry's manifest digest.
 */
digest: Digest, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * Size of the manifest in bytes.
 */
size: number, 
/**
 * The image's size by the one definition Portolan uses (its layers, compressed), when
 * its manifest was read (the first [`PLATFORM_SIZES`] entries of an index are).
 */
image_size: number | null, 
/**
 * Build attestations (`vnd.docker.reference.type: attestation-manifest`) are not runnable.
 */
attestation: boolean, };

export type PlatformImage = { 
/**
 * `linux/amd64`.
 */
platform: string, 
/**
 * Its manifest digest.
 */
digest: string | null, 
/**
 * Compressed size.
 */
size: number | null, };

export type ProgressEvent = { "event": "started", 
/**
 * Number of blobs.
 */
blobs: number, 
/**
 * Their total size.
 */
total_bytes: number, } | { "event": "blob", 
/**
 * The blob.
 */
digest: Digest, 
/**
 * Bytes done for it.
 */
done: number, 
/**
 * Its size.
 */
total: number, } | { "event": "blob_done", 
/**
 * The blob.
 */
digest: Digest, 
/**
 * Its size.
 */
size: number, 
/**
 * How.
 */
outcome: BlobOutcome, } | { "event": "finished", 
/**
 * Bytes moved.
 */
transferred_bytes: number, 
/**
 * Blobs skipped.
 */
skipped: number, 
/**
 * Blobs mounted.
 */
mounted: number, };

export type Provenance = { 
/**
 * The predicate type it was read from ([`SLSA_V02`], [`SLSA_V1`]).
 */
predicate_type: string, 
/**
 * The builder's id (`https://github.com/actions/runner/github-hosted`, a reusable
 * workflow's `...@refs/tags/v1.9.0`, a buildx run URL).
 */
builder_id: string | null, 
/**
 * The build type (`https://actions.github.io/buildtypes/workflow/v1`,
 * `https://mobyproject.org/buildkit@v1`).
 */
build_type: string | null, 
/**
 * The source repository, without `git+`, a ref, credentials or `.git`
 * (`https://github.com/o/r`).
 */
source_repository: string | null, 
/**
 * The source commit.
 */
source_commit: string | null, 
/**
 * The source ref (`refs/heads/main`, a tag).
 */
source_ref: string | null, 
/**
 * The workflow or build file (`.github/workflows/release.yml`, `Dockerfile`).
 */
workflow: string | null, 
/**
 * What triggered the build (GitHub's event name: `push`, `release`,
 * `workflow_dispatch`).
 */
trigger: string | null, 
/**
 * The invocation's id as the document states it.
 */
invocation_id: string | null, 
/**
 * The CI run's numeric id, when one could be read (GitHub Actions).
 */
run_id: string | null, 
/**
 * The build's parameters, flattened (`request.args.build-arg:VERSION` → `1.2`),
 * capped in number and length.
 */
build_parameters: { [key in string]?: string }, 
/**
 * When the build started (RFC 3339, as stated).
 */
started_on: string | null, 
/**
 * When it finished.
 */
finished_on: string | null, 
/**
 * What went into it (base images, the source), at most 100.
 */
materials: Array<Material>, 
/**
 * Links to the source, commit, workflow and run, built from checked parts.
 */
links: Links, };

export type PullCommands = { 
/**
 * `docker pull NAME@DIGEST`, with the name as Docker prints it (`ubuntu`, not
 * `docker.io/library/ubuntu`).
 */
docker: string, 
/**
 * `docker pull NAME:TAG`, when the image was reached by a tag.
 */
docker_tag: string | null, 
/**
 * `podman pull HOST/NAME@DIGEST`, fully qualified (podman does not assume Docker Hub).
 */
podman: string, 
/**
 * `podman pull HOST/NAME:TAG`, when the image was reached by a tag.
 */
podman_tag: string | null, };

export type PullFormat = "oci" | "archive" | "engine";

export type PullRequest = { 
/**
 * What to pull (`host/repo:tag` or `host/repo@sha256:...`).
 */
reference: string, 
/**
 * Folder or archive.
 */
format: PullFormat, 
/**
 * One platform (`linux/arm64`), or this machine's when none.
 */
platform: string | null, };

export type PushRequest = { 
/**
 * The OCI layout folder or `docker save` archive.
 */
source: string, 
/**
 * The image inside it, by name; `None` when it holds one.
 */
image: string | null, 
/**
 * Where to: `host/repo:tag`.
 */
destination: string, };

export type RateLimit = { 
/**
 * Requests left in the window.
 */
remaining: number | null, 
/**
 * Requests allowed in the window.
 */
limit: number | null, 
/**
 * When the window resets (Unix seconds), when the API says.
 */
resets_at: number | null, };

export type RawDocument = { 
/**
 * Its digest.
 */
digest: string, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * The text.
 */
text: string, };

export type Referrer = { 
/**
 * Its manifest digest.
 */
digest: string, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * What it is (`application/vnd.dev.cosign...`), when the registry says.
 */
artifact_type: string | null, 
/**
 * Size of its manifest.
 */
size: number, };

export type RegistryEntry = { 
/**
 * What the sidebar shows.
 */
name: string, 
/**
 * Host (and port): `ghcr.io`, `localhost:5000`.
 */
host: string, 
/**
 * Allow plain HTTP (only offered for loopback-like hosts).
 */
insecure: boolean, 
/**
 * An extra CA certificate file (PEM) to trust for this registry.
 */
ca_file: string | null, };

export type RegistryView = { 
/**
 * Settings entry.
 */
entry: RegistryEntry, 
/**
 * Sign-in state.
 */
sign_in: SignIn, 
/**
 * When a credential source (the keyring, Docker's config) could not be read: why.
 */
keyring_problem: string | null, 
/**
 * What to sign in to this registry with.
 */
sign_in_advice: string, 
/**
 * What the user should know about how it is reached (plain HTTP to a remote host).
 */
warning: string | null, 
/**
 * The vendor API that lists its packages (ghcr.io, Docker Hub), if any.
 */
vendor: Vendor | null, };

export type RepositoryPage = { 
/**
 * Repository names.
 */
items: Array<string>, 
/**
 * Pass back to get the next page; none at the end.
 */
next: string | null, };

export type RootRefresh = { 
/**
 * The instance ("Sigstore public-good", "GitHub").
 */
instance: string, 
/**
 * Whether its trusted root changed.
 */
changed: boolean, 
/**
 * The TUF root version now trusted, when the refresh succeeded.
 */
tuf_root_version: number | null, 
/**
 * Why it failed (the root in use stays as it was).
 */
error: string | null, };

export type Sbom = { 
/**
 * Its format.
 */
format: SbomFormat, 
/**
 * The format's version as the document states it (`SPDX-2.3`, `1.5`).
 */
spec_version: string | null, 
/**
 * The tool that made it, when stated.
 */
tool: string | null, 
/**
 * The packages, in the document's order.
 */
packages: Array<Package>, };

export type SbomFormat = "spdx" | "cyclone_dx";

export type SelectionAction = "untag" | "delete";

export type Settings = { 
/**
 * Registries in the sidebar.
 */
registries: Array<RegistryEntry>, 
/**
 * Theme.
 */
theme: Theme, 
/**
 * Last window size.
 */
window: [number, number] | null, 
/**
 * Where pulls are written.
 */
download_dir: string | null, 
/**
 * Recently opened repositories (`host/repo`), newest first.
 */
recent: Array<string>, 
/**
 * Pinned repositories (`host/repo`).
 */
pinned: Array<string>, 
/**
 * The local engine pulls go into and pushes come from (found, chosen, or off).
 */
engine: EngineChoice, 
/**
 * The signer each repository (`host/repo`) is expected to be signed by.
 */
signers: { [key in string]?: ExpectedSigner }, 
/**
 * Keys, trusted root and Notation trust store signatures are checked with.
 */
trust: TrustOptions, 
/**
 * Whether an SBOM's package list may be sent to OSV to look up known
 * vulnerabilities: unset until the user is asked, off unless they say yes.
 */
vulnerability_lookups: boolean | null, };

export type Severity = "critical" | "high" | "medium" | "low" | "unknown";

export type ShownFile = { 
/**
 * Its path.
 */
path: string, 
/**
 * Its size in bytes.
 */
size: number, 
/**
 * Its text, when it is text (up to 1 MiB).
 */
text: string | null, 
/**
 * For a binary file: its first bytes as `offset  hex  ascii` rows.
 */
hex: Array<string>, 
/**
 * Whether what is shown stops before the end.
 */
cut: boolean, };

export type SignIn = { "kind": "anonymous" } | { "kind": "keyring", 
/**
 * The username.
 */
username: string, } | { "kind": "docker", 
/**
 * The username.
 */
username: string, 
/**
 * Where Docker keeps it (config file or helper).
 */
source: string, } | { "kind": "given", 
/**
 * The username.
 */
username: string, };

export type SignedState = "invalid" | "wrong_signer" | "verified" | "not_checkable" | "none";

export type SignedSummary = { 
/**
 * The state.
 */
state: SignedState, 
/**
 * Who signed (verified or wrong signer), in a few words.
 */
by: string | null, 
/**
 * The OIDC issuer that vouched for them, for a keyless signer.
 */
issuer: string | null, 
/**
 * The reason (invalid, not checkable), or what was expected (wrong signer).
 */
detail: string | null, 
/**
 * How many signatures (and signed attestations) there are.
 */
signatures: number, };

export type Signer = { 
/**
 * The certificate's identity (an email or a URI such as a workflow's), keyless only.
 */
identity: string | null, 
/**
 * The OIDC issuer that vouched for the identity, keyless only.
 */
issuer: string | null, 
/**
 * For a key: which one (the file the user named, or the key's SHA-256 fingerprint).
 */
key: string | null, 
/**
 * The source repository the certificate names (Fulcio's CI claims).
 */
source_repository: string | null, 
/**
 * The commit the certificate names.
 */
source_commit: string | null, 
/**
 * The workflow or build configuration the certificate names.
 */
build_config: string | null, 
/**
 * The CI run that signed (a URL the certificate states; shown, never followed blindly).
 */
run: string | null, 
/**
 * The certificate subject of a Notation signature.
 */
subject: string | null, };

export type SkippedLayer = { 
/**
 * The layer (0 is the base).
 */
layer: number, 
/**
 * Why it was not read.
 */
reason: string, };

export type Step = { "kind": "untag", 
/**
 * The image.
 */
digest: Digest, 
/**
 * The tags removed from it.
 */
tags: Array<string>, 
/**
 * Its tags that stay. With `tags`, every tag on the image when planned: the step
 * is skipped when they differ when it runs.
 */
keeps: Array<string>, 
/**
 * Run only after this image was deleted (a signature's tag goes after the image
 * it signs, and only if that image went).
 */
follows: Digest | null, } | { "kind": "delete", 
/**
 * The image.
 */
digest: Digest, 
/**
 * Its tags when planned: the step is skipped when they differ when it runs.
 */
tags: Array<string>, 
/**
 * Run only after this image was deleted (see [`Step::Untag`]).
 */
follows: Digest | null, };

export type StepResult = { 
/**
 * The step.
 */
step: Step, 
/**
 * What it did, in words.
 */
what: string, 
/**
 * `None` when done or skipped; the engine's message when it failed.
 */
error: string | null, 
/**
 * Why it was not sent: the registry changed since the preview (a tag was added to
 * the image, or left it), or the image it goes with was not deleted.
 */
skipped: string | null, };

export type Subject = { 
/**
 * The subject's manifest digest.
 */
digest: Digest, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * Its size in bytes.
 */
size: number, };

export type SubjectReport = { 
/**
 * The image's digest.
 */
digest: Digest, 
/**
 * Its platform, for an index's image.
 */
platform: string | null, 
/**
 * What is attached to it.
 */
attachments: Array<Attachment>, 
/**
 * Attached manifests that could not be read, with why.
 */
unreadable: Array<[Digest, string]>, 
/**
 * How many attached manifests were left unread (over the count limit).
 */
left_unread: number, };

export type SupplyChainReport = { 
/**
 * The reference asked about.
 */
reference: string, 
/**
 * What it resolved to.
 */
digest: Digest, 
/**
 * The image itself first, then each platform image of an index.
 */
subjects: Array<SubjectReport>, };

export type SupplyChainView = { 
/**
 * Signatures and attestations with verdicts.
 */
verify: VerifyReport, 
/**
 * The SBOMs.
 */
sboms: Array<FoundSbom>, 
/**
 * The provenance attestations.
 */
provenance: Array<FoundProvenance>, 
/**
 * SBOMs or statements that could not be read.
 */
unread: Array<UnreadDocument>, };

export type TagCheck = { 
/**
 * Why it is not a valid tag, in words; `None` when it is one.
 */
problem: string | null, 
/**
 * Where the tag points now, when it exists: creating it means moving it.
 */
existing: Digest | null, };

export type TagCount = { 
/**
 * Distinct tags counted.
 */
count: number, 
/**
 * Counting stopped at the cap: there are at least `count`.
 */
more: boolean, };

export type TagDigest = { 
/**
 * The tag.
 */
tag: string, 
/**
 * The manifest (or index) digest it points to.
 */
digest: string, };

export type TagDigests = { 
/**
 * The registry's tags, in its order, each with where it points; a tag deleted while
 * they were read is left out.
 */
tags: Array<TagDigest>, 
/**
 * Where the digests came from.
 */
source: DigestSource, };

export type TagFate = "keep" | "untag" | "delete";

export type TagList = { 
/**
 * Every tag, in order.
 */
tags: Array<string>, 
/**
 * The tags among them that hold supply-chain artifacts rather than images.
 */
supply_chain: Array<string>, };

export type TagRequest = { 
/**
 * The repository (`host/name`).
 */
repository: string, 
/**
 * The image to tag: a digest (`sha256:...`) or an existing tag.
 */
source: string, 
/**
 * The new tag.
 */
tag: string, 
/**
 * When the tag exists: the digest the user agreed to move it away from. Without it
 * (or when the tag has moved since), an existing tag is left alone.
 */
replace: Digest | null, };

export type TagSummary = { 
/**
 * The tag.
 */
tag: string, 
/**
 * The manifest or index digest.
 */
digest: Digest, 
/**
 * Its media type.
 */
media_type: string, 
/**
 * Image, index or artifact.
 */
kind: ManifestKind, 
/**
 * For an index: its platforms (attestations left out).
 */
platforms: Array<string>, 
/**
 * For an image: its size, compressed, all layers (the image view's total); for an
 * index: its smallest platform image's.
 */
size: number | null, 
/**
 * For an index: its largest platform image's size (the same for an image).
 */
size_max: number | null, 
/**
 * When it was built: an image's config date; an index's `created` annotation, else
 * its first platform image's date.
 */
created: string | null, 
/**
 * The commands that pull it, by tag and by digest.
 */
pull_commands: PullCommands, };

export type Tagged = { 
/**
 * The new tag, fully qualified.
 */
reference: string, 
/**
 * The image it points at.
 */
digest: Digest, 
/**
 * Where it pointed before, when it was moved.
 */
moved_from: Digest | null, };

export type Theme = "system" | "light" | "dark";

export type TransferState = "running" | "done" | "failed" | "cancelled";

export type TransferView = { 
/**
 * Its id (to cancel it).
 */
id: number, 
/**
 * What it is (`Pull ghcr.io/o/app:v1`).
 */
title: string, 
/**
 * Where it writes.
 */
target: string, 
/**
 * Where it stands.
 */
state: TransferState, 
/**
 * Bytes moved so far.
 */
done_bytes: number, 
/**
 * Bytes in all (0 until known).
 */
total_bytes: number, 
/**
 * Blobs in all, and finished.
 */
blobs: number, 
/**
 * Blobs finished.
 */
blobs_done: number, 
/**
 * Bytes per second over the last few seconds (0 when idle or finished).
 */
bytes_per_second: number, 
/**
 * Seconds left at that speed, when it can be told.
 */
seconds_left: number | null, 
/**
 * Each blob (layer, config) in the order it started.
 */
layers: Array<BlobProgress>, 
/**
 * When finished: what happened (where it went and how to use it, or the error).
 */
message: string | null, 
/**
 * Where the result is, to show in the file manager, once it is there.
 */
result_path: string | null, 
/**
 * How long it took, once finished (milliseconds).
 */
elapsed_ms: number | null, 
/**
 * The tag a push or copy writes, so that a view of its repository can show it once
 * the transfer is done.
 */
writes: WrittenTag | null, };

export type TrustOptions = { 
/**
 * Public key files (PEM) for key-based signatures.
 */
keys: Array<string>, 
/**
 * The expected keyless signer.
 */
signer: ExpectedSigner, 
/**
 * A `trusted_root.json` to use instead of the shipped roots.
 */
trusted_root: string | null, 
/**
 * An X.509 trust store (a PEM file or a folder of certificates) for Notation.
 */
notation_trust_store: string | null, };

export type UnreadDocument = { 
/**
 * The attached manifest's digest.
 */
attachment: string, 
/**
 * Why.
 */
reason: string, };

export type UntagFinish = { 
/**
 * The package's repository.
 */
repository: string, 
/**
 * The tag being removed.
 */
tag: string, 
/**
 * The placeholder it points at.
 */
placeholder: Digest, 
/**
 * The placeholder's version, when it was found.
 */
placeholder_version: number | null, 
/**
 * OWNER is an organisation.
 */
org: boolean, };

export type UntagFinished = { 
/**
 * The tag, fully qualified, now gone.
 */
reference: string, 
/**
 * The placeholder's version, deleted.
 */
placeholder_version: number, };

export type UntagMethod = "delete_by_tag" | "placeholder";

export type UntagUndo = { 
/**
 * The package's repository.
 */
repository: string, 
/**
 * The removed tag.
 */
tag: string, 
/**
 * The digest the tag pointed at.
 */
digest: Digest, 
/**
 * The original's version, restored when it was deleted (found among the deleted
 * versions by its digest when not given).
 */
version: number | null, 
/**
 * The placeholder the tag was moved to, if any.
 */
placeholder: Digest | null, 
/**
 * OWNER is an organisation.
 */
org: boolean, };

export type UntagUndone = { 
/**
 * The tag, fully qualified, back on `digest`.
 */
reference: string, 
/**
 * Where it points again.
 */
digest: Digest, 
/**
 * The original's version, when it was restored.
 */
restored_version: number | null, 
/**
 * The placeholder's version, when one was left and deleted.
 */
deleted_placeholder_version: number | null, };

export type Untagged = { 
/**
 * The removed tag, fully qualified.
 */
reference: string, 
/**
 * The tag alone.
 */
tag: string, 
/**
 * The image it pointed at (still there, by digest and under its other tags): tagging
 * it again undoes the removal.
 */
digest: Digest, 
/**
 * How the registry was asked.
 */
method: UntagMethod, };

export type Vendor = "github" | "docker_hub";

export type Verdict = { "verdict": "verified", 
/**
 * Who signed.
 */
signer: Signer, 
/**
 * When, by the most trustworthy time the material proved (log or timestamp
 * authority), RFC 3339.
 */
signed_at: string | null, 
/**
 * What was checked, in words ("certificate chain", "transparency log",
 * "RFC 3161 timestamp", ...).
 */
checks: Array<string>, 
/**
 * Whether an identity or key policy was matched (false: anyone the root trusts).
 */
policy_matched: boolean, } | { "verdict": "wrong_signer", 
/**
 * Who actually signed.
 */
signer: Signer, 
/**
 * Who was expected, in words.
 */
expected: string, } | { "verdict": "failed", 
/**
 * Why, in words.
 */
reason: string, } | { "verdict": "not_checkable", 
/**
 * Why, in words.
 */
reason: string, } | { "verdict": "unsigned" };

export type VerifyReport = { 
/**
 * What was found and how each one fared.
 */
report: SupplyChainReport, 
/**
 * The answer in one line.
 */
summary: SignedSummary, 
/**
 * Who was expected, in words.
 */
expected: string, };

export type VersionCleanupSummary = { 
/**
 * Versions deleted or untagged.
 */
done: number, 
/**
 * Steps that failed.
 */
failed: number, 
/**
 * Steps not sent (changed since the preview).
 */
skipped: number, 
/**
 * In one line.
 */
headline: string, 
/**
 * Each version and how it ended, in the plan's order.
 */
results: Array<VersionResult>, };

export type VersionFate = "keep" | "untag" | "delete";

export type VersionList = { 
/**
 * Which API answered.
 */
vendor: Vendor, 
/**
 * The repository (`ghcr.io/owner/app`).
 */
repository: string, 
/**
 * Newest first; a platform image of an index comes right after the index.
 */
versions: Array<VersionRow>, 
/**
 * The API's rate limit after the listing.
 */
rate_limit: RateLimit | null, };

export type VersionPlan = { 
/**
 * The package's repository (`ghcr.io/OWNER/PACKAGE`).
 */
repository: string, 
/**
 * Every version, newest first.
 */
versions: Array<PlannedVersion>, 
/**
 * Versions deleted.
 */
deleted: number, 
/**
 * Versions that lose some tags and keep others (picked tags removed).
 */
untagged: number, 
/**
 * Versions kept as they are.
 */
kept: number, };

export type VersionResult = { 
/**
 * GitHub's id.
 */
id: number, 
/**
 * The manifest digest.
 */
digest: string, 
/**
 * Its tags when planned.
 */
tags: Array<string>, 
/**
 * What was to happen to it (delete, or untag).
 */
fate: VersionFate, 
/**
 * Why it failed (`None`: done or skipped).
 */
error: string | null, 
/**
 * Why it was not sent (changed since the preview).
 */
skipped: string | null, };

export type VersionRow = { 
/**
 * GitHub's version id (to delete or restore it); none on Docker Hub.
 */
id: number | null, 
/**
 * The manifest digest, when known.
 */
digest: string | null, 
/**
 * Its tags (none: untagged).
 */
tags: Array<string>, 
/**
 * When it was pushed or last updated (RFC 3339).
 */
created_at: string | null, 
/**
 * When it was deleted (a deleted GitHub version).
 */
deleted_at: string | null, 
/**
 * An untagged version that is a platform image of this index (digest): ghcr.io keeps
 * the images of a multi-platform tag as untagged versions of their own.
 */
part_of: string | null, 
/**
 * A platform image's platform (`linux/arm64`), as its index lists it.
 */
platform: string | null, 
/**
 * Its platform images, where the API lists them (Docker Hub).
 */
images: Array<PlatformImage>, 
/**
 * Its page on the vendor's site (built from its parts: see `web_pages`).
 */
page_url: string | null, };

export type VersionRules = { 
/**
 * Choose only untagged versions.
 */
delete_untagged: boolean, 
/**
 * Choose only versions older than this many days.
 */
older_than_days: number | null, 
/**
 * Choose only versions created before this date (`YYYY-MM-DD`, UTC).
 */
before: string | null, 
/**
 * Keep the newest N versions, whatever the other rules say.
 */
keep_newest: number | null, 
/**
 * Keep versions with a tag matching any of these patterns (`*`, `?`, `[abc]`; an
 * entry may hold several separated by commas).
 */
keep_matching: Array<string>, 
/**
 * Versions the user picked (by id): exactly these are chosen, instead of by the
 * selecting rules, with what goes with them (an index's platform images, signatures
 * and referrers no kept version needs).
 */
picked: number[], 
/**
 * Tags the user picked (the Tags view's selection): the versions holding them are
 * chosen, as with `picked`.
 */
picked_tags: Array<string>, 
/**
 * With `picked_tags`: remove those tags only. A version that keeps other tags is
 * untagged (each picked tag moved to a placeholder whose version is deleted); one left
 * with no tag is deleted. Without it, each version holding a picked tag is deleted.
 */
untag_only: boolean, };

export type VersionUntag = { 
/**
 * The tag, fully qualified.
 */
reference: string, 
/**
 * The tag alone.
 */
tag: string, 
/**
 * The digest it pointed at.
 */
digest: Digest, 
/**
 * The version holding that digest.
 */
version: number, 
/**
 * The version's other tags, which it keeps.
 */
other_tags: Array<string>, 
/**
 * How far it went.
 */
outcome: VersionUntagOutcome, 
/**
 * The placeholder the tag was moved to, if any.
 */
placeholder: Digest | null, 
/**
 * The placeholder's version, when it was found.
 */
placeholder_version: number | null, 
/**
 * When incomplete: exactly what is left, in words.
 */
left: string | null, 
/**
 * When incomplete: the failure that stopped it.
 */
error: string | null, 
/**
 * When incomplete: what finishing needs.
 */
finish: UntagFinish | null, 
/**
 * What undoing needs.
 */
undo: UntagUndo, };

export type VersionUntagOutcome = "removed" | "version_deleted" | "incomplete";

export type VersionUntagPreview = { 
/**
 * The tag, fully qualified.
 */
reference: string, 
/**
 * The digest it points at.
 */
digest: Digest, 
/**
 * The version holding that digest.
 */
version: number, 
/**
 * The version's other tags (they stay).
 */
other_tags: Array<string>, 
/**
 * The tag is the version's only one: removing it deletes the version.
 */
deletes_version: boolean, 
/**
 * What will happen, in words.
 */
explanation: string, };

export type VersionUntagRequest = { 
/**
 * The package's repository (`ghcr.io/OWNER/PACKAGE`).
 */
repository: string, 
/**
 * The tag.
 */
tag: string, 
/**
 * The digest the user saw the tag on: nothing is done unless it still points there.
 */
expected: Digest, 
/**
 * OWNER is an organisation.
 */
org: boolean, 
/**
 * The user confirmed that removing the version's only tag deletes the version.
 */
delete_sole_version: boolean, };

export type Vuln = { 
/**
 * Its OSV id (`GHSA-35jh-r3h4-6jhm`, `CVE-2021-23337`, `DLA-3682-1`).
 */
id: string, 
/**
 * The same vulnerability's ids in other databases.
 */
aliases: Array<string>, 
/**
 * Its one-line summary (or the first line of its details).
 */
summary: string | null, 
/**
 * The package's name, as the SBOM gives it.
 */
package: string, 
/**
 * The package's version, as the SBOM gives it.
 */
version: string | null, 
/**
 * The purl it was queried by.
 */
purl: string, 
/**
 * How bad it is: the record's own level (`database_specific.severity`, as GitHub's
 * advisories give it, or an affected package's), else the level of its CVSS v3 base
 * score computed from the vector, else [`Severity::Unknown`]. CVSS v2 and v4 vectors
 * are not scored here.
 */
severity: Severity, 
/**
 * The first version that fixes it for this package, when the record states one. With
 * several fixed versions (one per release line), the lowest above the installed
 * version by a generic comparison (numbers as numbers), which can be wrong for an
 * ecosystem's special orderings.
 */
fixed: string | null, 
/**
 * Its page on osv.dev, when its id is plain (`^[A-Za-z0-9._:-]+$`).
 */
url: string | null, };

export type VulnReport = { 
/**
 * Packages queried (those with a purl).
 */
queried: number, 
/**
 * Packages not queried: no purl, or one without a version.
 */
not_queried: number, 
/**
 * The vulnerabilities, one per package and id, worst first.
 */
vulns: Array<Vuln>, 
/**
 * How many of [`VulnReport::vulns`] are at each level (every level present).
 */
counts: { [key in Severity]?: number }, 
/**
 * Whether some query had more pages than Portolan reads (or a page token that did
 * not change): the list may miss vulnerabilities of those packages.
 */
incomplete: boolean, };

export type VulnerabilityView = { 
/**
 * The image asked about.
 */
reference: string, 
/**
 * Where they were looked up (the API's host).
 */
source: string, 
/**
 * How many SBOMs the packages came from.
 */
sboms: number, 
/**
 * What the lookup found.
 */
report: VulnReport, };

export type Wasted = { 
/**
 * The path.
 */
path: string, 
/**
 * Bytes it took in the layer that wrote it.
 */
size: number, 
/**
 * The layer that wrote it.
 */
layer: number, 
/**
 * The layer that deleted or overwrote it.
 */
by: number, 
/**
 * Deleted (true) or overwritten (false).
 */
deleted: boolean, };

export type WebPage = { "kind": "package", 
/**
 * `HOST/OWNER/PACKAGE`.
 */
repository: string, 
/**
 * Who owns it.
 */
owner_kind: OwnerKind, } | { "kind": "package_settings", 
/**
 * `HOST/OWNER/PACKAGE`.
 */
repository: string, 
/**
 * Who owns it.
 */
owner_kind: OwnerKind, } | { "kind": "tags", 
/**
 * `HOST/OWNER/PACKAGE`.
 */
repository: string, 
/**
 * Who owns it.
 */
owner_kind: OwnerKind, } | { "kind": "version", 
/**
 * `HOST/OWNER/PACKAGE`.
 */
repository: string, 
/**
 * Who owns it.
 */
owner_kind: OwnerKind, 
/**
 * The version id (GitHub) or tag (Docker Hub).
 */
version: string, } | { "kind": "new_token", 
/**
 * The registry host (`ghcr.io`).
 */
host: string, } | { "kind": "image_link", 
/**
 * The link.
 */
url: string, };

export type WrittenTag = { 
/**
 * The repository, with its registry (`ghcr.io/o/app`), as the front ends name it.
 */
repository: string, 
/**
 * The tag.
 */
tag: string, };

/** The error codes worth a retry (the engine's `ErrorCode::retryable`). */
export const RETRYABLE_CODES: readonly ErrorCode[] = ['not_found', 'unauthorized', 'unreachable', 'tls', 'rate_limited', 'integrity', 'too_large', 'incomplete', 'registry', 'protocol', 'credentials', 'configuration', 'engine', 'io', 'internal'];
