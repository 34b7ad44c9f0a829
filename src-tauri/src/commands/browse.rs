//! Browsing: repositories, tags, images, raw manifests, referrers.

use serde::Serialize;
use ts_rs::TS;

use crate::error::AppResult;
use crate::state::AppState;
pub use portolan::inspect::{ImageReport, TagSummary};
use portolan::{Platform, Reference};
pub use portolan_ops::catalog::RepositoryPage;

/// A repository's tags, with those that hold signatures, attestations or SBOMs (cosign's
/// `sha256-<hex>.sig`, the referrers fallback tag) named apart so the list can hide them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TagList {
    /// Every tag, in order.
    pub tags: Vec<String>,
    /// The tags among them that hold supply-chain artifacts rather than images.
    pub supply_chain: Vec<String>,
}

/// A repository's tag count for its catalog row, counted up to [`TAG_COUNT_CAP`].
#[derive(Debug, Clone, Serialize, TS)]
pub struct TagCount {
    /// Distinct tags counted.
    pub count: u32,
    /// Counting stopped at the cap: there are at least `count`.
    pub more: bool,
}

/// Tags a catalog row counts at most: past it the row says "10000+", and no name is kept
/// while counting.
pub const TAG_COUNT_CAP: usize = 10_000;

/// A manifest or config as the registry sent it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RawDocument {
    /// Its digest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// The exact text.
    pub text: String,
}

/// An artifact that refers to an image (signature, SBOM, attestation).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Referrer {
    /// Its manifest digest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// What it is (`application/vnd.dev.cosign...`), when the registry says.
    pub artifact_type: Option<String>,
    /// Size of its manifest.
    #[ts(type = "number")]
    pub size: u64,
}

/// One page of `host`'s repositories (the catalog, 100 at a time).
pub async fn list_repositories(
    state: &AppState,
    host: String,
    next: Option<String>,
) -> AppResult<RepositoryPage> {
    Ok(state
        .catalog
        .page(&state.client(), &host, next.as_deref())
        .await?)
}

/// The repository (`host/name`) a user means by what they typed while browsing `host`.
pub async fn resolve_repository(
    _state: &AppState,
    host: String,
    name: String,
) -> AppResult<String> {
    Ok(portolan::reference::repository_in(&host, &name)?.name())
}

/// Every tag of `repository` (`host/name`); remembered as recently opened.
pub async fn list_tags(state: &AppState, repository: String) -> AppResult<TagList> {
    let reference = Reference::parse(&repository)?;
    let tags = state.client().tags(&reference).await?;
    let mut s = state.settings.load()?;
    s.remember(&reference.name());
    state.settings.save(&s)?;
    let supply_chain = tags
        .iter()
        .filter(|t| portolan::reference::is_supply_chain_tag(t))
        .cloned()
        .collect();
    Ok(TagList { tags, supply_chain })
}

/// How many tags `repository` has, up to [`TAG_COUNT_CAP`] (for a catalog row; not
/// remembered as visited).
pub async fn count_tags(state: &AppState, repository: String) -> AppResult<TagCount> {
    let (count, complete) = state
        .client()
        .count_tags(&Reference::parse(&repository)?, TAG_COUNT_CAP)
        .await?;
    Ok(TagCount {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        more: !complete,
    })
}

/// What a tag points at: digest, kind, platforms, size, date.
pub async fn describe_tag(state: &AppState, reference: String) -> AppResult<TagSummary> {
    Ok(state
        .client()
        .tag_summary(&Reference::parse(&reference)?)
        .await?)
}

/// An image or index in detail (for an index, `platform`'s image).
pub async fn inspect_image(
    state: &AppState,
    reference: String,
    platform: Option<String>,
) -> AppResult<ImageReport> {
    let platform = platform.map(|p| Platform::parse(&p)).transpose()?;
    Ok(state
        .client()
        .inspect(&Reference::parse(&reference)?, platform.as_ref())
        .await?)
}

/// The manifest (or index) `reference` points at, as sent.
pub async fn raw_manifest(state: &AppState, reference: String) -> AppResult<RawDocument> {
    let m = state
        .client()
        .manifest(&Reference::parse(&reference)?)
        .await?;
    Ok(RawDocument {
        digest: m.digest.to_string(),
        media_type: m.media_type,
        text: String::from_utf8_lossy(&m.bytes).into_owned(),
    })
}

/// An image config blob, as sent.
pub async fn raw_config(
    state: &AppState,
    repository: String,
    digest: String,
    media_type: String,
) -> AppResult<RawDocument> {
    let reference = Reference::parse(&repository)?;
    let d = portolan::Digest::parse(&digest).map_err(|e| {
        portolan::Error::input(format!("\"{digest}\" is not a digest"), e.to_string())
    })?;
    let bytes = state
        .client()
        .registry(reference.registry())?
        .get_blob_bytes(
            reference.repository(),
            &d,
            portolan::manifest::MAX_CONFIG_BYTES,
        )
        .await?;
    Ok(RawDocument {
        digest,
        media_type,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Signatures, SBOMs and attestations that refer to `reference`.
pub async fn list_referrers(state: &AppState, reference: String) -> AppResult<Vec<Referrer>> {
    let (found, _) = state
        .client()
        .referrers(&Reference::parse(&reference)?)
        .await?;
    Ok(found
        .into_iter()
        .map(|d| Referrer {
            digest: d.digest().to_string(),
            media_type: d.media_type().to_string(),
            artifact_type: d.artifact_type().as_ref().map(|t| t.to_string()),
            size: d.size(),
        })
        .collect())
}
