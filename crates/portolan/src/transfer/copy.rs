//! Copy: an image, a tag's index with every platform, or a digest, from one repository
//! to another — on the same registry (blobs mounted, nothing re-sent) or another one
//! (blobs streamed from source to destination, verified on the way, never touching disk).
//! Optionally with the artifacts that refer to it (signatures, SBOMs).

use std::sync::Arc;

use crate::client::RegistryClient;
use crate::error::Result;
use crate::manifest::{FetchedManifest, Manifest};
use crate::reference::Reference;
use crate::transfer::pull::image_blobs;
use crate::transfer::push::{upload_plan, ManifestBytes, PushOptions, PushReport, UploadPlan};
use crate::transfer::source::BlobSource;

/// Manifests and blobs of `reference` on `src`, with the source for each blob.
async fn plan_remote(
    src: &Arc<RegistryClient>,
    repository: &str,
    target: &str,
) -> Result<UploadPlan> {
    let root = src.get_manifest(repository, target).await?;
    let mut images: Vec<FetchedManifest> = Vec::new();
    let mut children = Vec::new();
    match &root.manifest {
        Manifest::Image(_) => images.push(root.clone()),
        Manifest::Index(index) => {
            for d in index.manifests() {
                let child = src.get_manifest(repository, d.digest().as_ref()).await?;
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

/// Copy `from` (on `src`) to `to` (on `dst`). With `referrers`, the artifacts that refer
/// to it are copied too (by digest, and the fallback tag when that is how they were found).
#[tracing::instrument(level = "info", skip(src, dst, options), fields(from = %from, to = %to))]
pub async fn copy(
    src: &Arc<RegistryClient>,
    dst: &Arc<RegistryClient>,
    from: &Reference,
    to: &Reference,
    referrers: bool,
    options: &PushOptions,
) -> Result<PushReport> {
    let same_registry = Arc::ptr_eq(src, dst);
    let mount_from = same_registry.then(|| from.repository());
    let plan = plan_remote(src, from.repository(), &from.target()).await?;
    let root_digest = plan.root.digest.clone();
    let report = upload_plan(dst, to, plan, mount_from, options).await?;
    if referrers {
        let (found, source) = src.referrers(from.repository(), &root_digest).await?;
        for d in found {
            let artifact = plan_remote(src, from.repository(), d.digest().as_ref()).await?;
            let by_digest = to.with_digest(artifact.root.digest.clone());
            let by_digest = Reference::from_parts(
                by_digest.registry(),
                by_digest.repository(),
                None,
                Some(artifact.root.digest.clone()),
            )?;
            upload_plan(dst, &by_digest, artifact, mount_from, options).await?;
        }
        if source == crate::client::ReferrersSource::FallbackTag {
            let tag = format!("sha256-{}", root_digest.hex());
            let index = src.get_manifest(from.repository(), &tag).await?;
            dst.put_manifest(to.repository(), &tag, &index.media_type, &index.bytes)
                .await?;
        }
    }
    Ok(report)
}
