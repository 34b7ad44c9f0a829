//! Finding what is attached to an image, in the three places registries keep it: OCI 1.1
//! referrers (the API, else the fallback tag), cosign's tags (`sha256-<hex>.sig`, `.att`,
//! `.sbom`), and BuildKit's attestation manifests inside the image's index.
//!
//! Only manifests are read here; [`super::report`] reads the layers each one points at.

use std::collections::HashSet;

use futures_util::{stream, StreamExt};
use oci_spec::image::ImageIndex;

use crate::client::{referrers_tag, RegistryClient};
use crate::digest::Digest;
use crate::error::Result;
use crate::manifest::{FetchedManifest, Manifest};
use crate::reference::Target;

use super::FoundVia;

/// The most attached manifests read for one image (each signature, SBOM or attestation is
/// one); beyond it the report says how many were left unread.
pub const MAX_ATTACHED: usize = 64;

/// cosign's tag suffixes, in the order they are read.
pub const COSIGN_SUFFIXES: [&str; 3] = ["sig", "att", "sbom"];

/// An attached manifest and where it was found.
#[derive(Debug)]
pub struct Found {
    /// Where.
    pub via: FoundVia,
    /// The manifest.
    pub manifest: FetchedManifest,
}

/// What was found for one image.
#[derive(Debug, Default)]
pub struct Attached {
    /// The attached manifests.
    pub found: Vec<Found>,
    /// How many more there were than [`MAX_ATTACHED`].
    pub left_unread: usize,
    /// Manifests that failed to load, with why (shown, never fatal).
    pub unreadable: Vec<(Digest, String)>,
}

/// Everything attached to `subject` in `repository`. `known_tags` is the repository's tag
/// list (or the part of it starting with `sha256-<hex>`) when the caller already has it:
/// cosign tags and a fallback tag not in it are not asked for. `index` is
/// the index `subject` was found in, whose BuildKit attestation entries may point at it.
pub async fn attached(
    client: &RegistryClient,
    repository: &str,
    subject: &Digest,
    known_tags: Option<&HashSet<String>>,
    index: Option<&ImageIndex>,
) -> Result<Attached> {
    let mut wanted: Vec<(Target, FoundVia)> = Vec::new();
    // The referrers API; else the fallback tag, unless the tag list says it is not there.
    let (referrers, via) = match client.referrers_api(repository, subject).await? {
        Some(found) => (found, FoundVia::ReferrersApi),
        None if known_tags.is_none_or(|tags| tags.contains(&referrers_tag(subject))) => {
            match client.referrers_fallback(repository, subject).await? {
                Some((index, _)) => (index.manifests().clone(), FoundVia::FallbackTag),
                None => (Vec::new(), FoundVia::FallbackTag),
            }
        }
        None => (Vec::new(), FoundVia::FallbackTag),
    };
    let mut seen = HashSet::new();
    for d in &referrers {
        if let Ok(digest) = Digest::parse(d.digest().as_ref()) {
            if seen.insert(digest.clone()) {
                wanted.push((Target::Digest(digest), via.clone()));
            }
        }
    }
    for suffix in COSIGN_SUFFIXES {
        let tag = format!("sha256-{}.{suffix}", subject.hex());
        if known_tags.is_none_or(|tags| tags.contains(&tag)) {
            wanted.push((Target::tag(tag.clone()), FoundVia::CosignTag { tag }));
        }
    }
    if let Some(index) = index {
        for entry in index.manifests() {
            let Some(annotations) = entry.annotations() else {
                continue;
            };
            let is_attestation = annotations
                .get("vnd.docker.reference.type")
                .map(String::as_str)
                == Some("attestation-manifest");
            let about = annotations
                .get("vnd.docker.reference.digest")
                .map(String::as_str);
            if is_attestation && about == Some(&subject.to_string()) {
                if let Ok(digest) = Digest::parse(entry.digest().as_ref()) {
                    wanted.push((Target::Digest(digest), FoundVia::IndexEntry));
                }
            }
        }
    }
    let left_unread = wanted.len().saturating_sub(MAX_ATTACHED);
    wanted.truncate(MAX_ATTACHED);
    let loaded: Vec<_> = stream::iter(wanted)
        .map(|(target, via)| async move {
            let result = client.get_manifest(repository, &target).await;
            (target, via, result)
        })
        .buffered(4)
        .collect()
        .await;
    let mut out = Attached {
        left_unread,
        ..Attached::default()
    };
    for (target, via, result) in loaded {
        match result {
            Ok(manifest) => match manifest.manifest {
                Manifest::Image(_) => out.found.push(Found { via, manifest }),
                // An index as an attachment (a multi-part artifact): listed by its digest
                // as unread rather than walked.
                Manifest::Index(_) => out
                    .unreadable
                    .push((manifest.digest, "an index of artifacts (not read)".into())),
            },
            // A cosign tag that is not there is the common case, not a problem.
            Err(e) if matches!(via, FoundVia::CosignTag { .. }) && e.missing().is_some() => {}
            Err(e) => {
                let digest = target.digest().cloned().unwrap_or_else(|| subject.clone());
                out.unreadable
                    .push((digest, super::visible(&e.to_string())));
            }
        }
    }
    Ok(out)
}
