//! Referrers as people look at them: the artifacts (signatures, SBOMs, attestations) whose
//! `subject` is a given manifest, and which source answered — the registry's referrers API
//! or, on registries without it, the `sha256-<hex>` fallback tag.
//!
//! The fallback tag's format (the entry for one referrer, merging into an existing tag)
//! lives in [`fallback`].

pub mod fallback;

use std::collections::{BTreeMap, HashSet};

use crate::client::{ReferrersSource, RegistryClient};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::reference::Reference;

/// The annotation that says when an artifact was made.
pub const CREATED: &str = "org.opencontainers.image.created";

/// The referrers of one manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReferrersReport {
    /// The reference asked about, fully qualified.
    pub reference: String,
    /// The digest whose referrers these are.
    pub subject: Digest,
    /// Which source answered: `api`, `fallback_tag`, or `none` (neither had any).
    pub source: ReferrersSource,
    /// The referrers, in the order the registry listed them, each digest once.
    pub referrers: Vec<ReferrerRow>,
}

/// One referrer, as its descriptor in the referrers list describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReferrerRow {
    /// The referrer's manifest digest.
    pub digest: Digest,
    /// Its manifest media type.
    pub media_type: String,
    /// What kind of artifact it is (`application/vnd.dev.sigstore.bundle.v0.3+json`, ...).
    pub artifact_type: Option<String>,
    /// Its manifest size in bytes.
    pub size: u64,
    /// Its annotations (when it was made, by whom, ...).
    pub annotations: BTreeMap<String, String>,
}

impl ReferrerRow {
    /// When the artifact was made, as its `org.opencontainers.image.created` annotation says.
    pub fn created(&self) -> Option<&str> {
        self.annotations.get(CREATED).map(String::as_str)
    }
}

/// The referrers of what `reference` points at (a tag is resolved to its digest first).
pub async fn list(client: &RegistryClient, reference: &Reference) -> Result<ReferrersReport> {
    let subject = client
        .digest_of(reference.repository(), &reference.target())
        .await?;
    let (found, source) = client.referrers(reference.repository(), &subject).await?;
    let mut seen = HashSet::new();
    let mut referrers = Vec::new();
    for d in found {
        let digest = Digest::parse(d.digest().as_ref()).map_err(|e| {
            Error::protocol(
                client.registry(),
                format!("the referrers of {reference}"),
                format!("an entry's digest is invalid ({e})"),
            )
        })?;
        if !seen.insert(digest.clone()) {
            continue;
        }
        referrers.push(ReferrerRow {
            digest,
            media_type: d.media_type().to_string(),
            artifact_type: d.artifact_type().as_ref().map(|t| t.to_string()),
            size: d.size(),
            annotations: d
                .annotations()
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect(),
        });
    }
    Ok(ReferrersReport {
        reference: reference.to_string(),
        subject,
        source,
        referrers,
    })
}
