//! Push: an OCI image layout folder or a docker archive to a reference, and the blob
//! upload that push and copy share.
//!
//! Blobs the registry already has are skipped (HEAD); a blob seen in another repository of
//! the same registry is mounted (falling back to an upload when the registry answers 202).
//! Blobs up to the chunk size go in one request; larger ones in chunks (at least
//! `OCI-Chunk-Min-Length`), and a broken chunked upload resumes from the offset the
//! registry reports. Manifests go last, with their exact bytes and media type: children
//! by digest, then the root under its tag.

use std::path::{Path, PathBuf};

use crate::client::{Mount, Payload, RegistryClient};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::layout::archive::Archive;
use crate::layout::oci::{hash_reader, OciLayout};
use crate::manifest::{
    Manifest, DOCKER_CONFIG, DOCKER_MANIFEST, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES,
};
use crate::reference::Reference;
use crate::transfer::progress::{BlobOutcome, Cancel, Progress};
use crate::transfer::source::{watched, BlobSource};
use crate::transfer::{move_blobs, Blob};

/// How uploads are made.
#[derive(Clone)]
pub struct PushOptions {
    /// Blobs uploaded at once.
    pub jobs: usize,
    /// Blobs larger than this go in chunks of this size.
    pub chunk_size: u64,
    /// Progress reports.
    pub progress: Progress,
    /// Cancellation.
    pub cancel: Cancel,
}

impl Default for PushOptions {
    fn default() -> Self {
        Self {
            jobs: 4,
            chunk_size: 64 * 1024 * 1024,
            progress: crate::transfer::progress::no_progress(),
            cancel: Cancel::new(),
        }
    }
}

/// What a push or copy did.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PushReport {
    /// The digest of the root manifest pushed.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Blobs in the image(s).
    pub blobs: usize,
    /// Bytes uploaded.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub transferred_bytes: u64,
    /// Blobs the registry already had.
    pub skipped: usize,
    /// Blobs mounted from another repository.
    pub mounted: usize,
}

/// A manifest ready to push.
#[derive(Debug, Clone)]
pub struct ManifestBytes {
    /// Its digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Its exact bytes.
    pub bytes: Vec<u8>,
}

/// An image (or index) to upload: manifests plus blobs with where their bytes are.
pub struct UploadPlan {
    /// The manifest pushed under the tag.
    pub root: ManifestBytes,
    /// Manifests pushed by digest first (an index's images).
    pub children: Vec<ManifestBytes>,
    /// Blobs and their sources.
    pub blobs: Vec<(Blob, BlobSource)>,
}

/// Upload one blob to `repository` unless it is there; mount it when the registry has it
/// elsewhere (`mount_from`, or a repository the client saw it in).
pub async fn upload_blob(
    dst: &RegistryClient,
    repository: &str,
    blob: &Blob,
    source: &BlobSource,
    mount_from: Option<&str>,
    options: &PushOptions,
) -> Result<BlobOutcome> {
    options.cancel.check()?;
    if dst.blob_size(repository, &blob.digest).await?.is_some() {
        return Ok(BlobOutcome::Skipped);
    }
    let home = mount_from
        .map(str::to_owned)
        .or_else(|| dst.blob_home(&blob.digest, repository));
    let mut session = match home {
        Some(from) => match dst.mount_blob(repository, &blob.digest, &from).await? {
            Mount::Mounted => return Ok(BlobOutcome::Mounted),
            Mount::Upload(session) => session,
        },
        None => dst.start_upload(repository).await?,
    };
    let chunk = options
        .chunk_size
        .max(session.chunk_min.unwrap_or(0))
        .max(1);
    let policy = crate::transport::RetryPolicy::default();
    let fail = |session: crate::client::UploadSession, e: Error| async move {
        dst.cancel_upload(repository, &session).await;
        Err(e)
    };
    if blob.size <= chunk {
        let mut attempt = 1;
        loop {
            let stream = source.open(&blob.digest, 0, blob.size).await?;
            let (body, mismatch) = watched(
                stream,
                blob.digest.clone(),
                0,
                blob.size,
                true,
                options.progress.clone(),
                options.cancel.clone(),
            );
            match dst
                .finish_upload(
                    repository,
                    &session,
                    &blob.digest,
                    Some((blob.size, Payload::stream(body))),
                )
                .await
            {
                Ok(()) => return Ok(BlobOutcome::Transferred),
                Err(_) if mismatch.load(std::sync::atomic::Ordering::SeqCst) => {
                    return fail(
                        session,
                        Error::DigestMismatch {
                            registry: source_name(source),
                            what: format!(
                                "blob {} (read for an upload to {}/{repository})",
                                blob.digest,
                                dst.registry()
                            ),
                            expected: blob.digest.to_string(),
                            actual: "other bytes".to_owned(),
                        },
                    )
                    .await;
                }
                Err(_) if options.cancel.is_cancelled() => {
                    return fail(session, Error::Cancelled).await
                }
                Err(Error::Unreachable { .. }) if attempt < policy.max_attempts => {
                    dst.cancel_upload(repository, &session).await;
                    tokio::time::sleep(policy.delay(attempt, None)).await;
                    attempt += 1;
                    session = dst.start_upload(repository).await?;
                }
                Err(e) => return fail(session, e).await,
            }
        }
    }
    let mut offset = 0;
    let mut failures = 0;
    while offset < blob.size {
        let len = chunk.min(blob.size - offset);
        let stream = source.open(&blob.digest, offset, len).await?;
        let (body, _) = watched(
            stream,
            blob.digest.clone(),
            offset,
            blob.size,
            false,
            options.progress.clone(),
            options.cancel.clone(),
        );
        match dst
            .upload_chunk(repository, &mut session, offset, len, Payload::stream(body))
            .await
        {
            Ok(()) => offset += len,
            Err(_) if options.cancel.is_cancelled() => {
                return fail(session, Error::Cancelled).await
            }
            Err(e @ (Error::Unreachable { .. } | Error::Registry { .. }))
                if failures < policy.max_attempts =>
            {
                failures += 1;
                tracing::info!(digest = %blob.digest, offset, error = %e, "chunk failed; asking the registry where to resume");
                tokio::time::sleep(policy.delay(failures, None)).await;
                match dst.upload_offset(repository, &session).await {
                    Ok(Some(n)) if n <= blob.size => offset = n,
                    _ => {
                        dst.cancel_upload(repository, &session).await;
                        session = dst.start_upload(repository).await?;
                        offset = 0;
                    }
                }
            }
            Err(e) => return fail(session, e).await,
        }
    }
    if let Err(e) = dst
        .finish_upload(repository, &session, &blob.digest, None)
        .await
    {
        return fail(session, e).await;
    }
    Ok(BlobOutcome::Transferred)
}

fn source_name(source: &BlobSource) -> String {
    match source {
        BlobSource::File { path, .. } => path.display().to_string(),
        BlobSource::Registry { client, .. } => client.registry().to_owned(),
    }
}

/// Upload every blob of `plan` (in parallel), then its manifests; the root goes under
/// `reference`'s tag (or digest).
pub async fn upload_plan(
    dst: &RegistryClient,
    reference: &Reference,
    plan: UploadPlan,
    mount_from: Option<&str>,
    options: &PushOptions,
) -> Result<PushReport> {
    let repository = reference.repository();
    let tally = move_blobs(
        plan.blobs.clone(),
        options.jobs,
        &options.progress,
        |blob, source| async move {
            upload_blob(dst, repository, &blob, &source, mount_from, options).await
        },
    )
    .await?;
    options.cancel.check()?;
    for child in &plan.children {
        dst.put_manifest(
            repository,
            &child.digest.to_string(),
            &child.media_type,
            &child.bytes,
        )
        .await?;
    }
    let target = match (reference.tag(), reference.digest()) {
        (Some(tag), _) => tag.to_owned(),
        (None, Some(d)) => d.to_string(),
        (None, None) => "latest".to_owned(),
    };
    if let Some(d) = reference.digest() {
        if *d != plan.root.digest {
            return Err(Error::Config(format!(
                "the image's digest is {}, not {d}",
                plan.root.digest
            )));
        }
    }
    dst.put_manifest(repository, &target, &plan.root.media_type, &plan.root.bytes)
        .await?;
    let (transferred_bytes, skipped, mounted) = tally.finish(&options.progress);
    Ok(PushReport {
        digest: plan.root.digest,
        media_type: plan.root.media_type,
        blobs: plan.blobs.len(),
        transferred_bytes,
        skipped,
        mounted,
    })
}

/// Where to push from.
#[derive(Debug, Clone)]
pub enum PushSource {
    /// An OCI layout folder, and the tag inside it (optional when it holds one image).
    Layout {
        /// The folder.
        dir: PathBuf,
        /// The `org.opencontainers.image.ref.name` to push.
        tag: Option<String>,
    },
    /// A `docker save` archive.
    Archive(PathBuf),
}

impl PushSource {
    /// `DIR`, `DIR:TAG` or `FILE.tar`, as a user types it.
    pub fn parse(text: &str) -> Self {
        let path = Path::new(text);
        if path.is_file() {
            return PushSource::Archive(path.to_path_buf());
        }
        if !path.is_dir() {
            if let Some((dir, tag)) = text.rsplit_once(':') {
                if Path::new(dir).is_dir() {
                    return PushSource::Layout {
                        dir: dir.into(),
                        tag: Some(tag.to_owned()),
                    };
                }
            }
        }
        PushSource::Layout {
            dir: path.to_path_buf(),
            tag: None,
        }
    }

    /// Read manifests and locate blobs (blocking: reads files).
    pub fn plan(&self) -> Result<UploadPlan> {
        match self {
            PushSource::Layout { dir, tag } => plan_layout(dir, tag.as_deref()),
            PushSource::Archive(path) => plan_archive(path),
        }
    }
}

fn bad(path: &Path, kind: &'static str, detail: String) -> Error {
    Error::BadSource {
        path: path.display().to_string(),
        kind,
        detail,
    }
}

/// Manifests and blobs from an index entry, reading blobs through `read`.
fn plan_from_entry(
    origin: &Path,
    kind: &'static str,
    entry: &serde_json::Value,
    read: &dyn Fn(&Digest, u64) -> Result<Vec<u8>>,
    locate: &dyn Fn(&Digest) -> Result<BlobSource>,
) -> Result<UploadPlan> {
    let parse = |text: &str| {
        Digest::parse(text)
            .map_err(|e| bad(origin, kind, format!("invalid digest \"{text}\" ({e})")))
    };
    let root_digest = parse(entry["digest"].as_str().unwrap_or_default())?;
    let load = |digest: &Digest, media_type: Option<&str>| -> Result<(ManifestBytes, Manifest)> {
        let bytes = read(digest, MAX_MANIFEST_BYTES)?;
        let (manifest, media_type) = Manifest::parse(&bytes, media_type)
            .map_err(|e| bad(origin, kind, format!("manifest {digest}: {e:?}")))?;
        Ok((
            ManifestBytes {
                digest: digest.clone(),
                media_type,
                bytes,
            },
            manifest,
        ))
    };
    let (root, parsed) = load(&root_digest, entry["mediaType"].as_str())?;
    let mut images = Vec::new();
    let mut children = Vec::new();
    match parsed {
        Manifest::Image(m) => images.push(*m),
        Manifest::Index(index) => {
            for d in index.manifests() {
                let digest = parse(d.digest().as_ref())?;
                let (child, parsed) = load(&digest, Some(d.media_type().as_ref()))?;
                if let Manifest::Image(m) = parsed {
                    images.push(*m);
                }
                children.push(child);
            }
        }
    }
    let mut blobs: Vec<(Blob, BlobSource)> = Vec::new();
    for image in &images {
        let descs = std::iter::once(image.config()).chain(image.layers().iter());
        for d in descs {
            if d.urls().as_ref().is_some_and(|u| !u.is_empty()) {
                continue;
            }
            let digest = parse(d.digest().as_ref())?;
            if blobs.iter().any(|(b, _)| b.digest == digest) {
                continue;
            }
            let source = locate(&digest)?;
            blobs.push((
                Blob {
                    digest,
                    size: d.size(),
                },
                source,
            ));
        }
    }
    Ok(UploadPlan {
        root,
        children,
        blobs,
    })
}

fn plan_layout(dir: &Path, tag: Option<&str>) -> Result<UploadPlan> {
    let layout = OciLayout::open(dir)?;
    let entry = layout.find(tag)?;
    let read = |d: &Digest, limit: u64| layout.read_blob(d, limit);
    let locate = |d: &Digest| {
        let path = layout.blob_path(d);
        if path.is_file() {
            Ok(BlobSource::File { path, offset: 0 })
        } else {
            Err(bad(dir, "OCI layout", format!("blob {d} is missing")))
        }
    };
    plan_from_entry(dir, "OCI layout", &entry, &read, &locate)
}

fn plan_archive(path: &Path) -> Result<UploadPlan> {
    let archive = Archive::open(path)?;
    if archive.is_oci() {
        let index: serde_json::Value =
            serde_json::from_slice(&archive.read("index.json", MAX_MANIFEST_BYTES)?)
                .map_err(|e| bad(path, "archive", format!("index.json is not JSON ({e})")))?;
        let entries = index["manifests"].as_array().cloned().unwrap_or_default();
        let [entry] = entries.as_slice() else {
            return Err(bad(
                path,
                "archive",
                format!("its index.json lists {} images, not one", entries.len()),
            ));
        };
        let read = |d: &Digest, limit: u64| {
            let name = format!("blobs/{}", d.to_string().replace(':', "/"));
            let bytes = archive.read(&name, limit)?;
            if d.matches(&bytes) {
                Ok(bytes)
            } else {
                Err(bad(
                    path,
                    "archive",
                    format!("{name} does not match its digest"),
                ))
            }
        };
        let locate = |d: &Digest| {
            archive
                .blob_slice(d)
                .map(|(offset, _)| BlobSource::File {
                    path: path.to_path_buf(),
                    offset,
                })
                .ok_or_else(|| bad(path, "archive", format!("blob {d} is missing")))
        };
        return plan_from_entry(path, "archive", entry, &read, &locate);
    }
    // The older format: manifest.json naming a config file and layer tars.
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Entry {
        config: String,
        layers: Vec<String>,
    }
    let entries: Vec<Entry> = serde_json::from_slice(
        &archive.read("manifest.json", MAX_MANIFEST_BYTES)?,
    )
    .map_err(|e| {
        bad(
            path,
            "archive",
            format!("manifest.json is not what docker save writes ({e})"),
        )
    })?;
    let [entry] = entries.as_slice() else {
        return Err(bad(
            path,
            "archive",
            format!("it holds {} images, not one", entries.len()),
        ));
    };
    let config = archive.read(&entry.config, MAX_CONFIG_BYTES)?;
    let config_digest = Digest::sha256_of(&config);
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut layers = Vec::new();
    let mut blobs = vec![];
    for name in &entry.layers {
        let (offset, size) = archive
            .slice(name)
            .ok_or_else(|| bad(path, "archive", format!("it has no {name}")))?;
        use std::io::{Read, Seek, SeekFrom};
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io("cannot read", path, e))?;
        let mut magic = [0u8; 2];
        let gz = size >= 2 && file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io("cannot read", path, e))?;
        let mut hasher = crate::digest::Hasher::new(crate::digest::Algorithm::Sha256);
        hash_reader(&mut file, &mut hasher, size).map_err(|e| Error::io("cannot read", path, e))?;
        let digest = hasher.finish();
        let media_type = if gz {
            "application/vnd.docker.image.rootfs.diff.tar.gzip"
        } else {
            "application/vnd.docker.image.rootfs.diff.tar"
        };
        layers.push(serde_json::json!({"mediaType": media_type, "size": size, "digest": digest.to_string()}));
        if !blobs
            .iter()
            .any(|(b, _): &(Blob, BlobSource)| b.digest == digest)
        {
            blobs.push((
                Blob { digest, size },
                BlobSource::File {
                    path: path.to_path_buf(),
                    offset,
                },
            ));
        }
    }
    let (config_offset, _) = archive.slice(&entry.config).expect("read above");
    blobs.insert(
        0,
        (
            Blob {
                digest: config_digest.clone(),
                size: config.len() as u64,
            },
            BlobSource::File {
                path: path.to_path_buf(),
                offset: config_offset,
            },
        ),
    );
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {"mediaType": DOCKER_CONFIG, "size": config.len(), "digest": config_digest.to_string()},
        "layers": layers,
    });
    let bytes = serde_json::to_vec(&manifest)
        .map_err(|e| Error::Config(format!("cannot encode a manifest: {e}")))?;
    Ok(UploadPlan {
        root: ManifestBytes {
            digest: Digest::sha256_of(&bytes),
            media_type: DOCKER_MANIFEST.to_owned(),
            bytes,
        },
        children: Vec::new(),
        blobs,
    })
}

/// Push a local image to `reference`.
#[tracing::instrument(level = "info", skip(dst, options), fields(reference = %reference))]
pub async fn push(
    dst: &RegistryClient,
    source: &PushSource,
    reference: &Reference,
    options: &PushOptions,
) -> Result<PushReport> {
    let owned = source.clone();
    let plan = tokio::task::spawn_blocking(move || owned.plan())
        .await
        .map_err(|e| Error::Config(format!("reading the source stopped: {e}")))??;
    upload_plan(dst, reference, plan, None, options).await
}
