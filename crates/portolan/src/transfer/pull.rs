//! Pull: a reference to an OCI image layout folder or a `docker load` archive.
//!
//! Manifests are fetched and verified first, then blobs download in parallel (bounded),
//! each streamed to disk through a hashing writer, resumed with `Range` after an
//! interruption, and moved under its digest only once verified. `index.json` (or the
//! archive) is written last and atomically, so a cancelled or failed pull leaves the
//! previous state, plus resumable partial files out of sight.
//!
//! As `docker pull --platform` does, a platform asked for must match: an index without it
//! and a single image of another platform are refused (pulling every platform, or none
//! asked for, takes what is there). A docker archive holds one runnable image, so an
//! artifact is refused before anything is downloaded, pointing at the OCI layout instead.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use oci_spec::image::ImageManifest;

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::layout::archive;
use crate::layout::blob_writer::BlobWriter;
use crate::layout::oci::{IndexEntry, OciLayout, REF_NAME};
use crate::layout::select::CONTAINERD_NAME;
use crate::manifest::{
    FetchedManifest, Manifest, ManifestKind, DOCKER_CONFIG, MAX_CONFIG_BYTES, OCI_CONFIG,
};
use crate::platform::Platform;
use crate::reference::{Reference, Target};
use crate::transfer::progress::{BlobOutcome, Cancel, Progress, ProgressEvent, Tally};
use crate::transfer::{move_blobs, Blob};
use crate::transport::{self, retry::retry, retry::Decision};

/// Which images of an index to pull.
#[derive(Debug, Clone, Default)]
pub enum PlatformChoice {
    /// The machine's own platform.
    #[default]
    Host,
    /// This platform.
    One(Platform),
    /// Every image in the index (OCI layout only).
    All,
}

/// How to pull.
#[derive(Clone)]
pub struct PullOptions {
    /// Which images of an index.
    pub platform: PlatformChoice,
    /// Blobs downloaded at once.
    pub jobs: usize,
    /// Progress reports.
    pub progress: Progress,
    /// Cancellation.
    pub cancel: Cancel,
}

impl Default for PullOptions {
    fn default() -> Self {
        Self {
            platform: PlatformChoice::Host,
            jobs: crate::transfer::DEFAULT_JOBS,
            progress: crate::transfer::progress::no_progress(),
            cancel: Cancel::new(),
        }
    }
}

/// What a pull did.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PullReport {
    /// The digest of the manifest (or index) written.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Blobs in the image(s).
    pub blobs: usize,
    /// Bytes downloaded by this run.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub transferred_bytes: u64,
    /// Bytes an interrupted earlier pull had already fetched, which this one resumed from
    /// (not downloaded again).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub resumed_bytes: u64,
    /// Blobs that were already there.
    pub skipped: usize,
}

/// The manifests to store and the blobs they need.
pub(crate) struct Plan {
    pub(crate) root: FetchedManifest,
    pub(crate) children: Vec<FetchedManifest>,
    pub(crate) blobs: Vec<Blob>,
}

pub(crate) async fn plan(
    client: &RegistryClient,
    reference: &Reference,
    choice: &PlatformChoice,
) -> Result<Plan> {
    let repo = reference.repository();
    let top = client.get_manifest(repo, &reference.target()).await?;
    let (root, children) = match &top.manifest {
        Manifest::Image(image) => {
            if let PlatformChoice::One(wanted) = choice {
                require_platform(client, reference, image, wanted).await?;
            }
            (top, Vec::new())
        }
        Manifest::Index(index) => {
            let wanted = match choice {
                PlatformChoice::All => None,
                PlatformChoice::Host => Some(Platform::host()),
                PlatformChoice::One(p) => Some(p.clone()),
            };
            match wanted {
                None => {
                    let mut children = Vec::new();
                    for d in index.manifests() {
                        let digest = parse_digest(client, d.digest().as_ref())?;
                        children.push(client.get_manifest(repo, &Target::from(digest)).await?);
                    }
                    (top, children)
                }
                Some(platform) => {
                    let entry = index
                        .manifests()
                        .iter()
                        .find(|d| {
                            d.platform()
                                .as_ref()
                                .is_some_and(|p| platform.accepts(&Platform::of_entry(p)))
                        })
                        .ok_or_else(|| Error::PlatformNotFound {
                            registry: reference.registry().to_owned(),
                            reference: reference.to_string(),
                            wanted: platform.to_string(),
                            detail: ": choose another platform, or pull all platforms".to_owned(),
                        })?;
                    let digest = parse_digest(client, entry.digest().as_ref())?;
                    (
                        client.get_manifest(repo, &Target::from(digest)).await?,
                        Vec::new(),
                    )
                }
            }
        }
    };
    let mut blobs: Vec<Blob> = Vec::new();
    for m in std::iter::once(&root).chain(children.iter()) {
        if let Manifest::Image(image) = &m.manifest {
            for b in image_blobs(client, image)? {
                if !blobs.iter().any(|x| x.digest == b.digest) {
                    blobs.push(b);
                }
            }
        }
    }
    Ok(Plan {
        root,
        children,
        blobs,
    })
}

/// `--platform` on an image that is not an index: its config must name that platform (an
/// artifact, whose config is no image config, has none and passes).
async fn require_platform(
    client: &RegistryClient,
    reference: &Reference,
    image: &ImageManifest,
    wanted: &Platform,
) -> Result<()> {
    let config_type = image.config().media_type().to_string();
    if config_type != OCI_CONFIG && config_type != DOCKER_CONFIG {
        return Ok(());
    }
    let digest = parse_digest(client, image.config().digest().as_ref())?;
    let config = client
        .get_blob_bytes(reference.repository(), &digest, MAX_CONFIG_BYTES)
        .await?;
    match Platform::of_config(&config) {
        Some(actual) => wanted.require(&actual, &reference.to_string()),
        None => Ok(()),
    }
}

fn parse_digest(client: &RegistryClient, text: &str) -> Result<Digest> {
    Digest::parse(text).map_err(|e| {
        Error::protocol(
            client.registry(),
            "a manifest",
            format!("it lists an invalid digest \"{text}\" ({e})"),
        )
    })
}

/// The config and layers of an image manifest.
pub(crate) fn image_blobs(client: &RegistryClient, image: &ImageManifest) -> Result<Vec<Blob>> {
    let mut out = vec![Blob {
        digest: parse_digest(client, image.config().digest().as_ref())?,
        size: image.config().size(),
    }];
    for layer in image.layers() {
        if layer.urls().as_ref().is_some_and(|u| !u.is_empty()) {
            continue; // foreign layers (Windows base images) are not distributable
        }
        out.push(Blob {
            digest: parse_digest(client, layer.digest().as_ref())?,
            size: layer.size(),
        });
    }
    Ok(out)
}

/// Download one blob into `layout`, resuming a partial download when one is there (and
/// adding to `resumed` what of the blob this run did not have to fetch).
async fn download(
    client: &RegistryClient,
    repo: &str,
    blob: &Blob,
    layout: &OciLayout,
    progress: &Progress,
    cancel: &Cancel,
    resumed: &AtomicU64,
) -> Result<BlobOutcome> {
    let check = {
        let layout = layout.clone();
        let (d, s) = (blob.digest.clone(), blob.size);
        tokio::task::spawn_blocking(move || layout.has_valid_blob(&d, s))
    };
    if check.await.unwrap_or(false) {
        return Ok(BlobOutcome::Skipped);
    }
    let partial = layout.partial_path(&blob.digest);
    // Bytes this run received for the blob, over every pass (a pass whose bytes were
    // thrown away counts too): what the blob's size lacks from it was already here.
    let received = AtomicU64::new(0);
    let outcome = retry(
        client.retry_policy(),
        |_| download_once(client, repo, blob, &partial, progress, cancel, &received),
        |outcome| match outcome {
            Ok(Err(Interrupted::Broke { error, at })) => {
                tracing::info!(digest = %blob.digest, at, %error, "download broke; resuming");
                Decision::BACKOFF
            }
            // The body ended early: start again at once.
            Ok(Err(Interrupted::Mismatch { len, .. })) if *len < blob.size => Decision::Retry {
                after: Some(Duration::ZERO),
            },
            _ => Decision::Stop,
        },
    )
    .await?;
    match outcome {
        Ok(()) => {}
        Err(Interrupted::Broke { error, .. }) => {
            let mut err = transport::unreachable(client.registry(), &error, |reason| {
                format!("the download of blob {} broke: {reason}", blob.digest)
            });
            if let Error::Unreachable { hint, .. } = &mut err {
                hint.push_str("; pulling again resumes where it stopped");
            }
            return Err(err);
        }
        Err(Interrupted::Mismatch { len, actual }) => {
            return Err(Error::DigestMismatch {
                registry: client.registry().to_owned(),
                what: format!("blob {} ({len} of {} bytes)", blob.digest, blob.size),
                expected: blob.digest.to_string(),
                actual: actual.to_string(),
            })
        }
    }
    let layout = layout.clone();
    let d = blob.digest.clone();
    tokio::task::spawn_blocking(move || layout.commit_partial(&d))
        .await
        .map_err(|e| Error::internal(format!("a writer stopped: {e}")))??;
    resumed.fetch_add(
        blob.size.saturating_sub(received.load(Ordering::Relaxed)),
        Ordering::Relaxed,
    );
    Ok(BlobOutcome::Transferred)
}

/// Why one pass of a download left no whole blob behind.
enum Interrupted {
    /// The connection broke after `at` bytes (the partial file keeps them).
    Broke {
        /// What broke.
        error: reqwest::Error,
        /// Bytes in the partial file.
        at: u64,
    },
    /// The bytes are not the blob: `len` bytes hashing to `actual` (the partial file is
    /// removed).
    Mismatch {
        /// Bytes received.
        len: u64,
        /// Their digest.
        actual: Digest,
    },
}

/// One pass of a download: from what the partial file holds to the end of the body. The
/// outer error ends the download; the inner one says why this pass fell short.
async fn download_once(
    client: &RegistryClient,
    repo: &str,
    blob: &Blob,
    partial: &Path,
    progress: &Progress,
    cancel: &Cancel,
    received: &AtomicU64,
) -> Result<std::result::Result<(), Interrupted>> {
    cancel.check()?;
    let (mut writer, mut done, response) = start_pass(client, repo, blob, partial, cancel).await?;
    let mut stream = response.map(reqwest::Response::bytes_stream);
    let mut broken = None;
    if let Some(stream) = stream.as_mut() {
        // A registry that stops sending mid-blob is not waited out once cancelled.
        while let Some(chunk) = match cancel.or(stream.next()).await {
            Ok(chunk) => chunk,
            Err(cancelled) => {
                let _ = writer.finish().await;
                return Err(cancelled);
            }
        } {
            match chunk {
                Ok(bytes) => {
                    received.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    done += bytes.len() as u64;
                    if done > blob.size {
                        let _ = writer.finish().await;
                        let _ = tokio::fs::remove_file(partial).await;
                        return Err(Error::TooLarge {
                            registry: client.registry().to_owned(),
                            what: format!("blob {}", blob.digest),
                            limit: blob.size,
                        });
                    }
                    writer.write(bytes).await?;
                    progress(ProgressEvent::Blob {
                        digest: blob.digest.clone(),
                        done,
                        total: blob.size,
                    });
                }
                Err(e) => {
                    broken = Some(e);
                    break;
                }
            }
        }
    }
    let (digest, len) = writer.finish().await?;
    if let Some(error) = broken {
        return Ok(Err(Interrupted::Broke { error, at: len }));
    }
    if len != blob.size || digest != blob.digest {
        let _ = tokio::fs::remove_file(partial).await;
        return Ok(Err(Interrupted::Mismatch {
            len,
            actual: digest,
        }));
    }
    Ok(Ok(()))
}

/// Where a pass starts: the writer over the partial file, the bytes it holds, and the
/// registry's answer for the rest (`None` when the partial file holds the whole blob and
/// only needs verifying). A partial file longer than the blob starts over.
async fn start_pass(
    client: &RegistryClient,
    repo: &str,
    blob: &Blob,
    partial: &Path,
    cancel: &Cancel,
) -> Result<(BlobWriter, u64, Option<reqwest::Response>)> {
    let have = tokio::fs::metadata(partial)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let have = if have > blob.size { 0 } else { have };
    let start = if have == blob.size && have > 0 {
        (
            BlobWriter::open(partial, &blob.digest, have).await?,
            have,
            None,
        )
    } else {
        let read = cancel
            .or(client.read_blob(repo, &blob.digest, have, None))
            .await??;
        let writer = BlobWriter::open(partial, &blob.digest, read.offset).await?;
        (writer, read.offset, Some(read.response))
    };
    if have > 0 {
        tracing::info!(digest = %blob.digest, from = start.1, "resuming a download");
    }
    Ok(start)
}

/// Download the blobs of `plan` into `layout`, then store its manifests.
async fn fetch_plan(
    client: &RegistryClient,
    reference: &Reference,
    plan: &Plan,
    layout: &OciLayout,
    options: &PullOptions,
) -> Result<Tally> {
    let repo = reference.repository();
    let items = plan.blobs.iter().map(|b| (b.clone(), ())).collect();
    let resumed = AtomicU64::new(0);
    let resumed = &resumed;
    let tally = move_blobs(
        items,
        options.jobs,
        &options.progress,
        |blob, ()| async move {
            download(
                client,
                repo,
                &blob,
                layout,
                &options.progress,
                &options.cancel,
                resumed,
            )
            .await
        },
    )
    .await?;
    tally
        .resumed
        .store(resumed.load(Ordering::Relaxed), Ordering::Relaxed);
    options.cancel.check()?;
    for m in plan.children.iter().chain(std::iter::once(&plan.root)) {
        layout.write_blob(&m.digest, &m.bytes)?;
    }
    Ok(tally)
}

fn report(plan: &Plan, tally: &Tally, progress: &Progress) -> PullReport {
    let (transferred_bytes, skipped, _) = tally.finish(progress);
    PullReport {
        digest: plan.root.digest.clone(),
        media_type: plan.root.media_type.clone(),
        blobs: plan.blobs.len(),
        transferred_bytes,
        resumed_bytes: tally.resumed.load(Ordering::Relaxed),
        skipped,
    }
}

pub(crate) fn index_entry(plan: &Plan, tag: Option<&str>) -> IndexEntry {
    let mut entry = IndexEntry::new(
        &plan.root.media_type,
        &plan.root.digest,
        plan.root.bytes.len() as u64,
    );
    if let Some(tag) = tag {
        entry
            .annotations
            .insert(REF_NAME.to_owned(), tag.to_owned());
    }
    entry
}

/// Pull `reference` into the OCI layout at `dir` (created if needed), tagged with the
/// reference's tag in `index.json`.
#[tracing::instrument(level = "info", skip(client, options), fields(reference = %reference, dir = %dir.display()))]
pub async fn pull_to_layout(
    client: &RegistryClient,
    reference: &Reference,
    dir: &Path,
    options: &PullOptions,
) -> Result<PullReport> {
    // Planned first: a refused pull (no such platform) leaves no folder behind.
    let plan = plan(client, reference, &options.platform).await?;
    let layout = OciLayout::create(dir)?;
    let tally = fetch_plan(client, reference, &plan, &layout, options).await?;
    layout.add_entry(index_entry(
        &plan,
        reference.tag().or(if reference.digest().is_none() {
            Some("latest")
        } else {
            None
        }),
    ))?;
    layout.tidy();
    Ok(report(&plan, &tally, &options.progress))
}

/// The folder an archive pull stages its blobs in (kept after a failure, for resuming).
pub fn staging_dir(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("archive");
    target.with_file_name(format!(".{name}.portolan-blobs"))
}

/// Pull `reference` into a `docker load` archive at `file` (one platform, an image).
///
/// The archive names the image as `docker save` does: `io.containerd.image.name` is the
/// full `host/repo:tag` (what podman and containerd load it as), `ref.name` the tag, and
/// `manifest.json`'s `RepoTags` the full name (what `docker load` reads).
#[tracing::instrument(level = "info", skip(client, options), fields(reference = %reference, file = %file.display()))]
pub async fn pull_to_archive(
    client: &RegistryClient,
    reference: &Reference,
    file: &Path,
    options: &PullOptions,
) -> Result<PullReport> {
    if matches!(options.platform, PlatformChoice::All) {
        return Err(Error::input(
            "a docker archive holds one platform",
            "pull all platforms as an OCI layout instead",
        ));
    }
    let plan = plan(client, reference, &options.platform).await?;
    // Refused before any layer is downloaded: docker and podman load images only.
    let image = archivable(reference, &plan.root)?;
    let parts = image_blobs(client, image)?;
    let staging = staging_dir(file);
    let layout = OciLayout::create(&staging)?;
    let tally = fetch_plan(client, reference, &plan, &layout, options).await?;
    let config = parts[0].digest.clone();
    let layers: Vec<Digest> = parts[1..].iter().map(|b| b.digest.clone()).collect();
    let mut blobs: Vec<Digest> = plan.blobs.iter().map(|b| b.digest.clone()).collect();
    blobs.push(plan.root.digest.clone());
    let tag = reference.tag().unwrap_or("latest").to_owned();
    let repo = reference.name();
    let mut entry = index_entry(&plan, Some(&tag));
    entry
        .annotations
        .insert(CONTAINERD_NAME.to_owned(), format!("{repo}:{tag}"));
    let target = file.to_path_buf();
    let staged = layout.clone();
    let cancel = options.cancel.clone();
    tokio::task::spawn_blocking(move || {
        cancel.check()?;
        archive::write_archive(
            &staged,
            &entry,
            &blobs,
            &config,
            &layers,
            Some((&repo, &tag)),
            &target,
        )
    })
    .await
    .map_err(|e| Error::internal(format!("the archive writer stopped: {e}")))??;
    let _ = std::fs::remove_dir_all(&staging);
    Ok(report(&plan, &tally, &options.progress))
}

/// The image manifest a docker archive can hold, or why `root` cannot be one.
pub(crate) fn archivable<'a>(
    reference: &Reference,
    root: &'a FetchedManifest,
) -> Result<&'a ImageManifest> {
    let hint = "a docker archive holds container images only (docker load and podman load refuse anything else); pull it as an OCI layout instead".to_owned();
    match &root.manifest {
        Manifest::Image(image) if root.manifest.kind() == ManifestKind::Image => Ok(image),
        Manifest::Image(image) => {
            let found = match image.artifact_type() {
                Some(t) => format!("an artifact of type {t}"),
                None => format!(
                    "an artifact (its config is {}, not an image config)",
                    image.config().media_type()
                ),
            };
            Err(Error::WrongKind {
                reference: reference.to_string(),
                found,
                wanted: "a container image".to_owned(),
                hint,
            })
        }
        Manifest::Index(_) => Err(Error::WrongKind {
            reference: reference.to_string(),
            found: format!("an index ({})", root.media_type),
            wanted: "a single image".to_owned(),
            hint,
        }),
    }
}
