//! Browsing: repositories, tags, images, raw manifests, referrers. Each command is a call
//! to `portolan_ops::browse` (the CLI reads a registry through the same functions); the
//! app adds only what it remembers (recently opened repositories).

use crate::error::AppResult;
use crate::state::AppState;
use portolan_ops::browse;
pub use portolan_ops::browse::{RawDocument, Referrer, TagCount, TagList};
pub use portolan_ops::catalog::RepositoryPage;
pub use portolan_ops::tag_digests::TagDigests;
use portolan_ops::Reference;
pub use portolan_ops::{ImageReport, TagSummary};

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
    Ok(browse::repository_named(&host, &name)?)
}

/// Every tag of `repository` (`host/name`); remembered as recently opened.
pub async fn list_tags(state: &AppState, repository: String) -> AppResult<TagList> {
    let tags = browse::tags(&state.client(), &repository).await?;
    let mut s = state.settings.load()?;
    s.remember(&Reference::parse(&repository)?.name());
    state.settings.save(&s)?;
    Ok(tags)
}

/// How many tags `repository` has, up to `browse::TAG_COUNT_CAP` (for a catalog row; not
/// remembered as visited).
pub async fn count_tags(state: &AppState, repository: String) -> AppResult<TagCount> {
    Ok(browse::count_tags(&state.client(), &repository).await?)
}

/// What a tag points at: digest, kind, platforms, size, date.
pub async fn describe_tag(state: &AppState, reference: String) -> AppResult<TagSummary> {
    Ok(browse::describe_tag(&state.client(), &reference).await?)
}

/// An image or index in detail (for an index, `platform`'s image).
pub async fn inspect_image(
    state: &AppState,
    reference: String,
    platform: Option<String>,
) -> AppResult<ImageReport> {
    Ok(browse::inspect(&state.client(), &reference, platform.as_deref()).await?)
}

/// The manifest (or index) `reference` points at, as sent.
pub async fn raw_manifest(state: &AppState, reference: String) -> AppResult<RawDocument> {
    Ok(browse::raw_manifest(&state.client(), &reference)
        .await?
        .document())
}

/// An image config blob, as sent.
pub async fn raw_config(
    state: &AppState,
    repository: String,
    digest: String,
    media_type: String,
) -> AppResult<RawDocument> {
    Ok(
        browse::raw_config(&state.client(), &repository, &digest, &media_type)
            .await?
            .document(),
    )
}

/// Signatures, SBOMs and attestations that refer to `reference`.
pub async fn list_referrers(state: &AppState, reference: String) -> AppResult<Vec<Referrer>> {
    Ok(browse::referrer_list(&state.client(), &reference).await?)
}

/// Where every tag of `repository` points (for grouping by digest): the vendor API's
/// versions on ghcr.io and Docker Hub, else a `HEAD` per tag, several at a time.
pub async fn tag_digests(state: &AppState, repository: String) -> AppResult<TagDigests> {
    Ok(
        portolan_ops::tag_digests::tag_digests(&state.client(), &state.vendor_apis, &repository)
            .await?,
    )
}
