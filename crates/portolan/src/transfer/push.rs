//! Push: an OCI image layout folder or a docker archive to a reference.
//!
//! Blobs go first, through the upload push and copy share ([`upload_blob`]: skipped,
//! mounted, or sent whole or in resumable chunks). Manifests go last, with their exact
//! bytes and media type: children by digest, then the root under its tag.

use std::path::{Path, PathBuf};

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::layout::oci::{IndexEntry, OciLayout};
use crate::manifest::{Manifest, MAX_MANIFEST_BYTES};
use crate::reference::{Reference, Target};
use crate::transfer::progress::{Cancel, Progress};
use crate::transfer::source::BlobSource;
use crate::transfer::{move_blobs, Blob};

pub use crate::transfer::upload::upload_blob;

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
            jobs: crate::transfer::DEFAULT_JOBS,
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
            &Target::from(&child.digest),
            &child.media_type,
            &child.bytes,
        )
        .await?;
    }
    // Under the tag when there is one (a digest given with it is checked above).
    let target = match (reference.tag(), reference.digest()) {
        (Some(tag), _) => Target::tag(tag),
        (None, Some(d)) => Target::from(d),
        (None, None) => Target::tag("latest"),
    };
    if let Some(d) = reference.digest() {
        if *d != plan.root.digest {
            return Err(Error::input(
                format!("{reference} names digest {d}"),
                format!("the image to push has digest {}", plan.root.digest),
            ));
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
    /// An OCI layout folder, and the image inside it (optional when it holds one image).
    Layout {
        /// The folder.
        dir: PathBuf,
        /// The image's `org.opencontainers.image.ref.name` (`v1`, or `localhost/app:1` as
        /// skopeo and podman write it).
        tag: Option<String>,
    },
    /// A `docker save` archive, and the image inside it (optional when it holds one).
    Archive {
        /// The archive file.
        file: PathBuf,
        /// The image's name (`REPO:TAG` as in `RepoTags`, or a `ref.name`).
        image: Option<String>,
    },
}

impl PushSource {
    /// `DIR`, `DIR:NAME`, `FILE` or `FILE:REPO:TAG`, as a user types it. The path is the
    /// longest prefix before a `:` that exists (names may hold `:` themselves, as in
    /// `layout:localhost/app:1` or `save.tar:127.0.0.1:5000/app:1`); when nothing exists,
    /// the whole text is taken as a path and [`PushSource::prepare`] says it was not found.
    pub fn parse(text: &str) -> Self {
        let whole = Path::new(text);
        if whole.exists() {
            return Self::at(whole, None);
        }
        for (colon, _) in text.rmatch_indices(':') {
            let path = Path::new(&text[..colon]);
            let name = &text[colon + 1..];
            if !name.is_empty() && path.exists() {
                return Self::at(path, Some(name.to_owned()));
            }
        }
        PushSource::Layout {
            dir: whole.to_path_buf(),
            tag: None,
        }
    }

    fn at(path: &Path, name: Option<String>) -> Self {
        if path.is_file() {
            PushSource::Archive {
                file: path.to_path_buf(),
                image: name,
            }
        } else {
            PushSource::Layout {
                dir: path.to_path_buf(),
                tag: name,
            }
        }
    }

    /// The same source with the image inside it chosen by `name` (what a front end's
    /// `--image` option gives); `None` keeps the current choice.
    pub fn with_image(self, name: Option<String>) -> Self {
        match (self, name) {
            (PushSource::Layout { dir, .. }, Some(n)) => PushSource::Layout { dir, tag: Some(n) },
            (PushSource::Archive { file, .. }, Some(n)) => PushSource::Archive {
                file,
                image: Some(n),
            },
            (same, None) => same,
        }
    }

    /// The images in the source, each by the names it can be chosen with (blocking: reads
    /// `index.json` or the archive's manifest).
    pub fn image_names(&self) -> Result<Vec<Vec<String>>> {
        match self {
            PushSource::Layout { dir, .. } => Ok(OciLayout::open(dir)?
                .entries()?
                .iter()
                .map(crate::layout::select::entry_names)
                .collect()),
            PushSource::Archive { file, .. } => crate::transfer::push_archive::image_names(file),
        }
    }

    /// Read manifests and locate blobs (blocking: reads files, and compresses the plain
    /// layers of a legacy archive into temporary files).
    pub fn prepare(&self, cancel: &Cancel) -> Result<PreparedPush> {
        match self {
            PushSource::Layout { dir, tag } => {
                Ok(PreparedPush::new(plan_layout(dir, tag.as_deref())?))
            }
            PushSource::Archive { file, image } => {
                crate::transfer::push_archive::plan(file, image.as_deref(), cancel)
            }
        }
    }
}

/// A local image ready to upload. It owns the scratch folder some of the plan's blobs are
/// read from (the gzipped layers of a legacy archive), which is deleted when this is
/// dropped: keep it until the upload is over.
pub struct PreparedPush {
    /// What to upload.
    pub plan: UploadPlan,
    _scratch: Option<tempfile::TempDir>,
}

impl PreparedPush {
    /// A plan whose blobs are all read from the source itself.
    pub(crate) fn new(plan: UploadPlan) -> Self {
        Self {
            plan,
            _scratch: None,
        }
    }

    /// A plan some of whose blobs are files in `scratch`.
    pub(crate) fn with_scratch(plan: UploadPlan, scratch: tempfile::TempDir) -> Self {
        Self {
            plan,
            _scratch: Some(scratch),
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
pub(crate) fn plan_from_entry(
    origin: &Path,
    kind: &'static str,
    entry: &IndexEntry,
    read: &dyn Fn(&Digest, u64) -> Result<Vec<u8>>,
    locate: &dyn Fn(&Digest, u64) -> Result<BlobSource>,
) -> Result<UploadPlan> {
    let parse = |text: &str| {
        Digest::parse(text)
            .map_err(|e| bad(origin, kind, format!("invalid digest \"{text}\" ({e})")))
    };
    let root_digest = entry.digest.clone();
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
    let (root, parsed) = load(
        &root_digest,
        Some(entry.media_type.as_str()).filter(|m| !m.is_empty()),
    )?;
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
            let source = locate(&digest, d.size())?;
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
    // Only regular files inside the layout, of the size the manifest declares.
    let locate = |d: &Digest, size: u64| {
        layout
            .local_blob(d, Some(size))
            .map(|path| BlobSource::File { path, offset: 0 })
    };
    plan_from_entry(dir, "OCI layout", &entry, &read, &locate)
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
    let cancel = options.cancel.clone();
    let PreparedPush { plan, _scratch } =
        tokio::task::spawn_blocking(move || owned.prepare(&cancel))
            .await
            .map_err(|e| Error::internal(format!("reading the source stopped: {e}")))??;
    // `_scratch` lives until the upload is over: compressed layers are read from it.
    upload_plan(dst, reference, plan, None, options).await
}
