//! Copy: an image, a tag's index with every platform, or a digest, from one repository
//! to another — on the same registry (blobs mounted, nothing re-sent) or another one
//! (blobs streamed from source to destination, verified on the way, never touching disk).
//! Optionally with the artifacts that refer to it (signatures, SBOMs): see
//! [`crate::transfer::referrers`].

use std::sync::Arc;

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{FetchedManifest, Manifest};
use crate::reference::{Reference, Target};
use crate::transfer::pull::image_blobs;
use crate::transfer::push::{upload_plan, ManifestBytes, PushOptions, PushReport, UploadPlan};
use crate::transfer::referrers::{copy_referrers, ReferrersCopy};
use crate::transfer::source::BlobSource;

/// What a copy did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CopyReport {
    /// The image (or index) copied: digest, blobs moved, skipped and mounted.
    #[serde(flatten)]
    pub push: PushReport,
    /// With referrers asked for: how many were found and copied, and how the destination
    /// lists them.
    pub referrers: Option<ReferrersCopy>,
}

/// Manifests and blobs of `target` in `repository` on `src`, with the source for each blob
/// (an index's entries arrive de-duplicated from [`Manifest::parse`]).
pub(crate) async fn plan_remote(
    src: &Arc<RegistryClient>,
    repository: &str,
    target: &Target,
) -> Result<UploadPlan> {
    let root = src.get_manifest(repository, target).await?;
    let mut images: Vec<FetchedManifest> = Vec::new();
    let mut children: Vec<ManifestBytes> = Vec::new();
    match &root.manifest {
        Manifest::Image(_) => images.push(root.clone()),
        Manifest::Index(index) => {
            for d in index.manifests() {
                let digest = Digest::parse(d.digest().as_ref()).map_err(|e| {
                    Error::protocol(
                        src.registry(),
                        format!(
                            "the index {}/{repository}{}",
                            src.registry(),
                            target.suffix()
                        ),
                        format!("it lists an invalid digest ({e})"),
                    )
                })?;
                let child = src.get_manifest(repository, &Target::from(digest)).await?;
                children.push(to_bytes(&child));
                images.push(child);
            }
        }
    }
    let source = BlobSource::Registry {
        client: src.clone(),
        repository: repository.to_owned(),
    };
    let mut blobs = Vec::new();
    for image in &images {
        if let Manifest::Image(m) = &image.manifest {
            for b in image_blobs(src, m)? {
                if !blobs
                    .iter()
                    .any(|(x, _): &(crate::transfer::Blob, BlobSource)| x.digest == b.digest)
                {
                    src.remember_blob(repository, &b.digest);
                    blobs.push((b, source.clone()));
                }
            }
        }
    }
    Ok(UploadPlan {
        root: to_bytes(&root),
        children,
        blobs,
    })
}

fn to_bytes(m: &FetchedManifest) -> ManifestBytes {
    ManifestBytes {
        digest: m.digest.clone(),
        media_type: m.media_type.clone(),
        bytes: m.bytes.clone(),
    }
}

/// Copy `from` (on `src`) to `to` (on `dst`). With `referrers`, the artifacts that refer to
/// it, to each child of an index, and to those artifacts are copied too, and listed at the
/// destination without dropping what it listed already.
#[tracing::instrument(level = "info", skip(src, dst, options), fields(from = %from, to = %to))]
pub async fn copy(
    src: &Arc<RegistryClient>,
    dst: &Arc<RegistryClient>,
    from: &Reference,
    to: &Reference,
    referrers: bool,
    options: &PushOptions,
) -> Result<CopyReport> {
    let same_registry = Arc::ptr_eq(src, dst);
    let mount_from = same_registry.then(|| from.repository());
    let plan = plan_remote(src, from.repository(), &from.target()).await?;
    let subjects: Vec<_> = std::iter::once(plan.root.digest.clone())
        .chain(plan.children.iter().map(|c| c.digest.clone()))
        .collect();
    let push = upload_plan(dst, to, plan, mount_from, options).await?;
    let referrers = if referrers {
        Some(copy_referrers(src, dst, from.repository(), to, subjects, options).await?)
    } else {
        None
    };
    Ok(CopyReport { push, referrers })
}
