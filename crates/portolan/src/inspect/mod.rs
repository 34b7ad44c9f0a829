//! What a user sees when they open an image: the manifest or index summary, the chosen
//! platform's layers with their sizes and the history line that made each, and the config.
//!
//! The pairing of history entries with layers lives here ([`pair_history`]): history has
//! one entry per build step, and only the steps without `empty_layer` produced a layer.
//! Each layer's compression comes from its media type ([`Compression`]); an artifact's
//! `artifactType` and `subject` (what it signs or describes) are shown as declared.

mod compression;

pub use compression::Compression;

use std::collections::{BTreeMap, HashMap};

use oci_spec::image::{Descriptor, ImageConfiguration, ImageManifest};

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{
    FetchedManifest, Manifest, ManifestKind, DOCKER_CONFIG, MAX_CONFIG_BYTES, OCI_CONFIG,
};
use crate::platform::Platform;
use crate::reference::{Reference, Target};
use crate::transport::rate_limit::RateLimit;

/// The summary of a reference: an image, an artifact, or an index with its platforms.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageReport {
    /// The reference as asked, fully qualified.
    pub reference: String,
    /// The digest of the manifest or index the reference points at.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Image, index or artifact.
    pub kind: ManifestKind,
    /// Size of the manifest itself in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub manifest_size: u64,
    /// For an index: its entries.
    pub platforms: Vec<PlatformEntry>,
    /// The image shown in detail (for an index, the chosen platform's).
    pub image: Option<ImageDetails>,
    /// Annotations on the manifest or index.
    pub annotations: BTreeMap<String, String>,
    /// The `artifactType` the manifest or index declares, if any.
    pub artifact_type: Option<String>,
    /// The manifest this one refers to (a signature's or SBOM's image), if any.
    pub subject: Option<Subject>,
    /// The repository (`host/name`).
    pub repository: String,
    /// The exact commands that pull this manifest by digest.
    pub pull_commands: PullCommands,
    /// The registry's pull rate limit after these requests, when it reports one (Docker
    /// Hub counts manifest GETs against it).
    pub rate_limit: Option<RateLimit>,
}

/// The commands a user copies to pull an image by digest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PullCommands {
    /// `docker pull NAME@DIGEST`, with the name as Docker prints it (`ubuntu`, not
    /// `docker.io/library/ubuntu`).
    pub docker: String,
    /// `docker pull NAME:TAG`, when the image was reached by a tag.
    pub docker_tag: Option<String>,
    /// `podman pull HOST/NAME@DIGEST`, fully qualified (podman does not assume Docker Hub).
    pub podman: String,
    /// `podman pull HOST/NAME:TAG`, when the image was reached by a tag.
    pub podman_tag: Option<String>,
}

impl PullCommands {
    /// The commands for `digest` in `reference`'s repository.
    pub fn for_digest(reference: &Reference, digest: &Digest) -> Self {
        let pinned = Reference::from_parts(
            reference.registry(),
            reference.repository(),
            None,
            Some(digest.clone()),
        )
        .map(|r| r.familiar())
        .unwrap_or_else(|_| format!("{}@{digest}", reference.name()));
        let by_tag = reference.tag().and_then(|tag| {
            Reference::from_parts(
                reference.registry(),
                reference.repository(),
                Some(tag),
                None,
            )
            .ok()
        });
        Self {
            docker: format!("docker pull {pinned}"),
            docker_tag: by_tag
                .as_ref()
                .map(|r| format!("docker pull {}", r.familiar())),
            podman: format!("podman pull {}@{digest}", reference.name()),
            podman_tag: by_tag
                .map(|r| format!("podman pull {}:{}", r.name(), r.tag().unwrap_or_default())),
        }
    }
}

/// The manifest an artifact refers to (its `subject` descriptor).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Subject {
    /// The subject's manifest digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

/// One entry of an index.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlatformEntry {
    /// `linux/arm64/v8`, or `unknown/unknown` when the index does not say (attestations).
    pub platform: Platform,
    /// The entry's manifest digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Size of the manifest in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// The image's size by the one definition Portolan uses (its layers, compressed), when
    /// its manifest was read (the first [`PLATFORM_SIZES`] entries of an index are).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub image_size: Option<u64>,
    /// Build attestations (`vnd.docker.reference.type: attestation-manifest`) are not runnable.
    pub attestation: bool,
}

/// Entries of an index whose image size `inspect` reads (one manifest each).
pub const PLATFORM_SIZES: usize = 64;

/// One image manifest with its config.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageDetails {
    /// The manifest digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Image or artifact.
    pub kind: ManifestKind,
    /// The artifact type, for artifacts.
    pub artifact_type: Option<String>,
    /// The manifest this one refers to, if any.
    pub subject: Option<Subject>,
    /// From the config: `linux/amd64`.
    pub platform: Option<Platform>,
    /// The config blob's digest and media type.
    pub config_digest: Digest,
    /// The config's media type.
    pub config_media_type: String,
    /// When the image was built, as the config says.
    pub created: Option<String>,
    /// Runtime settings from the config (images only).
    pub config: Option<ConfigSummary>,
    /// Layers in order, each with the history line that made it.
    pub layers: Vec<LayerRow>,
    /// Every history entry, empty ones included.
    pub history: Vec<HistoryRow>,
    /// Sum of the layer sizes (compressed, as stored).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_size: u64,
    /// The manifest's annotations.
    pub annotations: BTreeMap<String, String>,
}

/// The runtime part of an image config.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfigSummary {
    /// `User`.
    pub user: Option<String>,
    /// `WorkingDir`.
    pub working_dir: Option<String>,
    /// `Env`.
    pub env: Vec<String>,
    /// `Entrypoint`.
    pub entrypoint: Vec<String>,
    /// `Cmd`.
    pub cmd: Vec<String>,
    /// `ExposedPorts`.
    pub exposed_ports: Vec<String>,
    /// `Labels`.
    pub labels: BTreeMap<String, String>,
    /// `StopSignal`.
    pub stop_signal: Option<String>,
}

/// A layer and the build step that produced it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LayerRow {
    /// Position, from 0 (the base).
    pub index: usize,
    /// The blob digest.
    pub digest: Digest,
    /// The blob media type.
    pub media_type: String,
    /// How the blob is compressed, as the media type says.
    pub compression: Compression,
    /// Compressed size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Where a foreign layer's bytes are (the descriptor's `urls`).
    pub urls: Vec<String>,
    /// Why the layer is not fetched: its bytes are not in the registry (see
    /// [`crate::layer_files::foreign`]).
    pub not_fetched: Option<String>,
    /// The history line (`RUN ...`, `COPY ...`), when the config has one.
    pub created_by: Option<String>,
    /// The history comment.
    pub comment: Option<String>,
    /// When that step ran.
    pub created: Option<String>,
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryRow {
    /// When the step ran.
    pub created: Option<String>,
    /// The command.
    pub created_by: Option<String>,
    /// The comment.
    pub comment: Option<String>,
    /// Whether the step changed no files (no layer).
    pub empty_layer: bool,
    /// The index of the layer it produced.
    pub layer: Option<usize>,
}

/// A tag's row in a list: what it points at, fetched lazily for visible rows.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagSummary {
    /// The tag.
    pub tag: String,
    /// The manifest or index digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Image, index or artifact.
    pub kind: ManifestKind,
    /// For an index: its platforms (attestations left out).
    pub platforms: Vec<String>,
    /// For an image: its size, compressed, all layers (the image view's total); for an
    /// index: its smallest platform image's.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub size: Option<u64>,
    /// For an index: its largest platform image's size (the same for an image).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub size_max: Option<u64>,
    /// When it was built: an image's config date; an index's `created` annotation, else
    /// its first platform image's date.
    pub created: Option<String>,
    /// The commands that pull it, by tag and by digest.
    pub pull_commands: PullCommands,
}

/// Summarize what `reference` (a tag) points at.
pub async fn tag_summary(client: &RegistryClient, reference: &Reference) -> Result<TagSummary> {
    let repository = reference.repository();
    let fetched = client.get_manifest(repository, &reference.target()).await?;
    let mut summary = TagSummary {
        tag: reference.tag().unwrap_or_default().to_owned(),
        digest: fetched.digest.clone(),
        media_type: fetched.media_type.clone(),
        kind: fetched.manifest.kind(),
        platforms: Vec::new(),
        size: None,
        size_max: None,
        created: None,
        pull_commands: PullCommands::for_digest(reference, &fetched.digest),
    };
    match &fetched.manifest {
        Manifest::Index(index) => {
            summary.platforms = platform_images(index)
                .filter_map(|d| d.platform().as_ref())
                .map(|p| Platform::of_entry(p).to_string())
                .collect();
            let (created, sizes) = index_facts(client, repository, index).await;
            summary.created = created;
            summary.size = sizes.iter().copied().min();
            summary.size_max = sizes.iter().copied().max();
        }
        Manifest::Image(m) => {
            // The one size of an image everywhere: its layers, compressed (as the image
            // view's total), config left out.
            summary.size = Some(layers_size(m));
            summary.size_max = summary.size;
            if summary.kind == ManifestKind::Image {
                let details = image_details(client, repository, &fetched).await?;
                summary.created = details.created;
            }
        }
    }
    Ok(summary)
}

/// An index's entries that are images to run, not attestations (BuildKit marks those
/// with `vnd.docker.reference.type`).
fn platform_images(index: &oci_spec::image::ImageIndex) -> impl Iterator<Item = &Descriptor> {
    index.manifests().iter().filter(|d| {
        d.annotations()
            .as_ref()
            .and_then(|a| a.get("vnd.docker.reference.type"))
            .is_none()
    })
}

/// An image's size as Portolan shows it everywhere: its layers, compressed.
fn layers_size(m: &ImageManifest) -> u64 {
    m.layers()
        .iter()
        .fold(0u64, |sum, l| sum.saturating_add(l.size()))
}

/// Platform image manifests of an index read at once, at most: a tag list asks this of
/// every row in view, and registries count manifest requests (Docker Hub's pull limit).
/// Across rows, [`crate::client::INDEX_CHILDREN_AT_ONCE`] bounds them too.
const CHILDREN_AT_ONCE: usize = 4;

/// Platform image manifests of one index read for its tag row, at most: real indexes list
/// a few platforms; a hostile one lists thousands of 4 MiB manifests.
pub const CHILDREN_PER_ROW: usize = 16;

/// What a tag row shows of an index: when it was made (its
/// `org.opencontainers.image.created` annotation, else the build date of its first
/// platform image, as `docker buildx` writes it) and each platform image's size. Each of
/// the first [`CHILDREN_PER_ROW`] platform manifests is read once, a few at a time, and
/// reduced to its size (and, for the first, its date) as it arrives. Best effort: a
/// platform image that cannot be read is left out (and leaves the date unknown) rather
/// than failing the row.
async fn index_facts(
    client: &RegistryClient,
    repository: &str,
    index: &oci_spec::image::ImageIndex,
) -> (Option<String>, Vec<u64>) {
    use futures_util::StreamExt;
    let annotated = index
        .annotations()
        .as_ref()
        .and_then(|a| a.get("org.opencontainers.image.created"))
        .cloned();
    let digests: Vec<Digest> = platform_images(index)
        .filter(|d| d.platform().is_some())
        .filter_map(|d| Digest::parse(d.digest().as_ref()).ok())
        .take(CHILDREN_PER_ROW)
        .collect();
    let wants_date = annotated.is_none();
    let facts: Vec<Option<(Option<u64>, Option<String>)>> =
        futures_util::stream::iter(digests.into_iter().enumerate())
            .map(|(i, digest)| async move {
                let _turn = client.index_child_turn().await;
                let child = client
                    .get_manifest(repository, &Target::from(&digest))
                    .await
                    .ok()?;
                let size = match &child.manifest {
                    Manifest::Image(m) => Some(layers_size(m)),
                    Manifest::Index(_) => None,
                };
                let created =
                    if i == 0 && wants_date && child.manifest.kind() == ManifestKind::Image {
                        image_details(client, repository, &child)
                            .await
                            .ok()
                            .and_then(|d| d.created)
                    } else {
                        None
                    };
                Some((size, created))
            })
            .buffered(CHILDREN_AT_ONCE)
            .collect()
            .await;
    let sizes = facts
        .iter()
        .flatten()
        .filter_map(|(size, _)| *size)
        .collect();
    let created = match annotated {
        Some(created) => Some(created),
        None => facts
            .first()
            .cloned()
            .flatten()
            .and_then(|(_, created)| created),
    };
    (created, sizes)
}

/// Pair layers with the history entries that produced them. Entries marked `empty_layer`
/// produced none; the others map to layers in order. Extra layers get no history line.
pub fn pair_history(
    manifest: &ImageManifest,
    config: Option<&ImageConfiguration>,
) -> (Vec<LayerRow>, Vec<HistoryRow>) {
    let mut layers: Vec<LayerRow> = manifest
        .layers()
        .iter()
        .enumerate()
        .filter_map(|(index, d)| {
            let media_type = d.media_type().to_string();
            let urls = d.urls().clone().unwrap_or_default();
            Some(LayerRow {
                index,
                digest: Digest::parse(d.digest().as_ref()).ok()?,
                compression: Compression::of_media_type(&media_type),
                not_fetched: crate::layer_files::foreign::not_fetched(&media_type, &urls),
                media_type,
                urls,
                size: d.size(),
                created_by: None,
                comment: None,
                created: None,
            })
        })
        .collect();
    let mut history_rows = Vec::new();
    let mut next_layer = 0;
    let entries = config.and_then(|c| c.history().clone()).unwrap_or_default();
    for entry in entries {
        let empty = entry.empty_layer().unwrap_or(false);
        let layer = if empty || next_layer >= layers.len() {
            None
        } else {
            let row = &mut layers[next_layer];
            row.created_by = entry.created_by().clone();
            row.comment = entry.comment().clone();
            row.created = entry.created().clone();
            next_layer += 1;
            Some(next_layer - 1)
        };
        history_rows.push(HistoryRow {
            created: entry.created().clone(),
            created_by: entry.created_by().clone(),
            comment: entry.comment().clone(),
            empty_layer: empty,
            layer,
        });
    }
    (layers, history_rows)
}

fn summarize_config(config: &ImageConfiguration) -> ConfigSummary {
    let Some(c) = config.config() else {
        return ConfigSummary::default();
    };
    ConfigSummary {
        user: c.user().clone().filter(|s| !s.is_empty()),
        working_dir: c.working_dir().clone().filter(|s| !s.is_empty()),
        env: c.env().clone().unwrap_or_default(),
        entrypoint: c.entrypoint().clone().unwrap_or_default(),
        cmd: c.cmd().clone().unwrap_or_default(),
        exposed_ports: c.exposed_ports().clone().unwrap_or_default(),
        labels: c.labels().clone().unwrap_or_default().into_iter().collect(),
        stop_signal: c.stop_signal().clone(),
    }
}

/// Fetch and describe the image manifest `fetched` (its config included).
pub async fn image_details(
    client: &RegistryClient,
    repository: &str,
    fetched: &FetchedManifest,
) -> Result<ImageDetails> {
    let Manifest::Image(manifest) = &fetched.manifest else {
        return Err(Error::internal("image_details needs an image manifest"));
    };
    let kind = fetched.manifest.kind();
    let config_desc = manifest.config();
    let config_digest = Digest::parse(config_desc.digest().as_ref()).map_err(|e| {
        Error::protocol(
            client.registry(),
            format!("manifest {}", fetched.digest),
            format!("its config digest is invalid ({e})"),
        )
    })?;
    let config_media_type = config_desc.media_type().to_string();
    let config = if kind == ManifestKind::Image
        && (config_media_type == OCI_CONFIG || config_media_type == DOCKER_CONFIG)
    {
        let bytes = client
            .get_blob_bytes(repository, &config_digest, MAX_CONFIG_BYTES)
            .await?;
        let parsed: ImageConfiguration = serde_json::from_slice(&bytes).map_err(|e| {
            Error::protocol(
                client.registry(),
                format!("image config {config_digest}"),
                format!("it is not a valid image config ({e})"),
            )
        })?;
        Some(parsed)
    } else {
        None
    };
    let (layers, history) = pair_history(manifest, config.as_ref());
    let total_size = layers
        .iter()
        .fold(0u64, |sum, l| sum.saturating_add(l.size));
    Ok(ImageDetails {
        digest: fetched.digest.clone(),
        media_type: fetched.media_type.clone(),
        kind,
        artifact_type: manifest.artifact_type().as_ref().map(|t| t.to_string()),
        subject: subject_of(client, &fetched.digest, manifest.subject().as_ref())?,
        platform: config.as_ref().map(|c| {
            Platform::new(
                &c.os().to_string(),
                &c.architecture().to_string(),
                c.variant().as_deref(),
            )
        }),
        config_digest,
        config_media_type,
        created: config.as_ref().and_then(|c| c.created().clone()),
        config: config.as_ref().map(summarize_config),
        layers,
        history,
        total_size,
        annotations: manifest
            .annotations()
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
    })
}

/// The `subject` descriptor of manifest `of`, read.
fn subject_of(
    client: &RegistryClient,
    of: &Digest,
    subject: Option<&Descriptor>,
) -> Result<Option<Subject>> {
    let Some(d) = subject else {
        return Ok(None);
    };
    let digest = Digest::parse(d.digest().as_ref()).map_err(|e| {
        Error::protocol(
            client.registry(),
            format!("manifest {of}"),
            format!("its subject digest is invalid ({e})"),
        )
    })?;
    Ok(Some(Subject {
        digest,
        media_type: d.media_type().to_string(),
        size: d.size(),
    }))
}

/// Describe `reference`: for an index, list its platforms and detail the one matching
/// `platform` (default: this machine's, else the first runnable one). A single image of
/// another platform than `platform` is refused (none given: any platform is shown).
pub async fn inspect(
    client: &RegistryClient,
    reference: &Reference,
    platform: Option<&Platform>,
) -> Result<ImageReport> {
    let repository = reference.repository();
    let fetched = client.get_manifest(repository, &reference.target()).await?;
    let mut report = ImageReport {
        reference: reference.to_string(),
        digest: fetched.digest.clone(),
        media_type: fetched.media_type.clone(),
        kind: fetched.manifest.kind(),
        manifest_size: fetched.bytes.len() as u64,
        platforms: Vec::new(),
        image: None,
        annotations: BTreeMap::new(),
        artifact_type: None,
        subject: None,
        repository: reference.name(),
        pull_commands: PullCommands::for_digest(reference, &fetched.digest),
        rate_limit: None,
    };
    match &fetched.manifest {
        Manifest::Image(m) => {
            report.annotations = m
                .annotations()
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect();
            report.artifact_type = m.artifact_type().as_ref().map(|t| t.to_string());
            report.subject = subject_of(client, &fetched.digest, m.subject().as_ref())?;
            let details = image_details(client, repository, &fetched).await?;
            // As `docker image inspect --platform`: a platform asked for must be the image's.
            if let (Some(wanted), Some(actual)) = (platform, details.platform.clone()) {
                wanted.require(&actual, &report.reference)?;
            }
            report.image = Some(details);
        }
        Manifest::Index(index) => {
            report.annotations = index
                .annotations()
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect();
            report.artifact_type = index.artifact_type().as_ref().map(|t| t.to_string());
            report.subject = subject_of(client, &fetched.digest, index.subject().as_ref())?;
            report.platforms = platform_entries(index);
            let mut known = HashMap::new();
            if let Some(entry) = choose_platform(&report.platforms, platform, reference)? {
                let child = client
                    .get_manifest(repository, &Target::from(&entry.digest))
                    .await?;
                if let Manifest::Image(m) = &child.manifest {
                    known.insert(child.digest.clone(), layers_size(m));
                    report.image = Some(image_details(client, repository, &child).await?);
                }
            }
            image_sizes(client, repository, &mut report.platforms, known).await;
        }
    }
    report.rate_limit = client.rate_limit();
    Ok(report)
}

/// Each of the first [`PLATFORM_SIZES`] entries' image size: the `known` ones as they are,
/// the others from their manifests, each digest read once, a few at a time (an entry that
/// cannot be read, or is not an image, keeps none).
async fn image_sizes(
    client: &RegistryClient,
    repository: &str,
    entries: &mut [PlatformEntry],
    mut known: HashMap<Digest, u64>,
) {
    use futures_util::StreamExt;
    let mut wanted: Vec<Digest> = Vec::new();
    for e in entries.iter().take(PLATFORM_SIZES) {
        if !known.contains_key(&e.digest) && !wanted.contains(&e.digest) {
            wanted.push(e.digest.clone());
        }
    }
    let read: Vec<(Digest, Option<u64>)> = futures_util::stream::iter(wanted)
        .map(|digest| async move {
            let _turn = client.index_child_turn().await;
            let size = match client
                .get_manifest(repository, &Target::from(&digest))
                .await
                .map(|f| f.manifest)
            {
                Ok(Manifest::Image(m)) => Some(layers_size(&m)),
                Ok(Manifest::Index(_)) | Err(_) => None,
            };
            (digest, size)
        })
        .buffered(CHILDREN_AT_ONCE)
        .collect()
        .await;
    known.extend(read.into_iter().filter_map(|(d, s)| s.map(|s| (d, s))));
    for entry in entries.iter_mut().take(PLATFORM_SIZES) {
        entry.image_size = known.get(&entry.digest).copied();
    }
}

/// An index's entries as platforms (entries without a usable digest are skipped).
fn platform_entries(index: &oci_spec::image::ImageIndex) -> Vec<PlatformEntry> {
    index
        .manifests()
        .iter()
        .filter_map(|d| {
            let digest = Digest::parse(d.digest().as_ref()).ok()?;
            let attestation = d
                .annotations()
                .as_ref()
                .and_then(|a| a.get("vnd.docker.reference.type"))
                .is_some_and(|t| t == "attestation-manifest");
            let platform = d
                .platform()
                .as_ref()
                .map(Platform::of_entry)
                .unwrap_or_else(|| Platform::new("unknown", "unknown", None));
            Some(PlatformEntry {
                platform,
                digest,
                media_type: d.media_type().to_string(),
                size: d.size(),
                image_size: None,
                attestation,
            })
        })
        .collect()
}

/// The entry to show in detail: the one matching `platform` (this machine's when none is
/// given, else the first runnable one). A platform asked for and not there is an error.
fn choose_platform<'a>(
    entries: &'a [PlatformEntry],
    platform: Option<&Platform>,
    reference: &Reference,
) -> Result<Option<&'a PlatformEntry>> {
    let wanted = platform.cloned().unwrap_or_else(Platform::host);
    let runnable = || entries.iter().filter(|p| !p.attestation);
    if let Some(found) = runnable().find(|p| wanted.accepts(&p.platform)) {
        return Ok(Some(found));
    }
    if platform.is_none() {
        return Ok(runnable().next());
    }
    Err(Error::PlatformNotFound {
        registry: reference.registry().to_owned(),
        reference: reference.to_string(),
        wanted: wanted.to_string(),
        detail: format!(
            ": it has {}",
            entries
                .iter()
                .map(|p| p.platform.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_commands_use_the_names_each_tool_expects() {
        let d = Digest::sha256_of(b"x");
        let hub = Reference::parse("ubuntu:22.04").expect("ref");
        let p = PullCommands::for_digest(&hub, &d);
        assert_eq!(p.docker, format!("docker pull ubuntu@{d}"));
        assert_eq!(
            p.podman,
            format!("podman pull docker.io/library/ubuntu@{d}")
        );
        let ghcr = Reference::parse("ghcr.io/o/i:v1").expect("ref");
        let p = PullCommands::for_digest(&ghcr, &d);
        assert_eq!(p.docker, format!("docker pull ghcr.io/o/i@{d}"));
        assert_eq!(p.podman, format!("podman pull ghcr.io/o/i@{d}"));
        assert_eq!(p.docker_tag.as_deref(), Some("docker pull ghcr.io/o/i:v1"));
        assert_eq!(p.podman_tag.as_deref(), Some("podman pull ghcr.io/o/i:v1"));
        let hub_tag = PullCommands::for_digest(&hub, &d);
        assert_eq!(
            hub_tag.docker_tag.as_deref(),
            Some("docker pull ubuntu:22.04")
        );
        assert_eq!(
            hub_tag.podman_tag.as_deref(),
            Some("podman pull docker.io/library/ubuntu:22.04")
        );
        let pinned = Reference::parse(&format!("ghcr.io/o/i@{d}")).expect("ref");
        assert_eq!(PullCommands::for_digest(&pinned, &d).docker_tag, None);
    }

    #[test]
    fn history_pairs_with_layers_skipping_empty_steps() {
        let l = |n: u8| {
            format!(
                r#"{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:{}","size":{}}}"#,
                format!("{n:02x}").repeat(32),
                100 * n as u64
            )
        };
        let manifest: ImageManifest = serde_json::from_str(&format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"{OCI_CONFIG}","digest":"sha256:{}","size":1}},"layers":[{},{},{}]}}"#,
            "0".repeat(64),
            l(1),
            l(2),
            l(3)
        ))
        .expect("manifest");
        let config: ImageConfiguration = serde_json::from_str(
            r#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"history":[
                {"created_by":"ADD base.tar /"},
                {"created_by":"ENV A=1","empty_layer":true},
                {"created_by":"RUN make","comment":"buildkit"},
                {"created_by":"LABEL x=y","empty_layer":true},
                {"created_by":"COPY app /app"}]}"#,
        )
        .expect("config");
        let (layers, history) = pair_history(&manifest, Some(&config));
        let lines: Vec<_> = layers.iter().map(|l| l.created_by.as_deref()).collect();
        assert_eq!(
            lines,
            vec![
                Some("ADD base.tar /"),
                Some("RUN make"),
                Some("COPY app /app")
            ]
        );
        assert_eq!(layers[1].comment.as_deref(), Some("buildkit"));
        assert_eq!(layers[2].size, 300);
        assert_eq!(history.len(), 5);
        assert_eq!(
            history.iter().map(|h| h.layer).collect::<Vec<_>>(),
            vec![Some(0), None, Some(1), None, Some(2)]
        );
        // Without a config, layers are listed without history.
        let (layers, history) = pair_history(&manifest, None);
        assert_eq!(layers.len(), 3);
        assert!(layers.iter().all(|l| l.created_by.is_none()) && history.is_empty());
    }
}
