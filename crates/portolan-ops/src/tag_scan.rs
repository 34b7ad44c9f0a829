//! Every tag of a repository with the digest it points at now, and each distinct image's
//! build date: what a delete confirm and a clean-up preview must know about all the tags,
//! not only the rows a window has loaded.
//!
//! One `HEAD` per tag (a digest, no body) and one summary per distinct image, a bounded
//! number at a time, so 10,000 tags over a few images cost 10,000 small requests rather
//! than 20,000 large ones, and no registry sees more than [`CONCURRENCY`] at once. An
//! image that is an index also gives the digests it lists: a clean-up must not delete a
//! platform image that an index it keeps still needs.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::{stream, StreamExt, TryStreamExt};
use portolan::{Client, Digest, Error, Reference, Result};

/// Requests in flight at once during a scan.
pub const CONCURRENCY: usize = 8;

/// Every tag of `repository` (a reference without tag or digest) and where it points, in
/// the registry's order. A tag deleted while the scan runs is left out.
pub async fn digests(
    client: &Arc<Client>,
    repository: &Reference,
) -> Result<Vec<(String, Digest)>> {
    Ok(heads(client, repository)
        .await?
        .into_iter()
        .map(|t| (t.tag, t.digest))
        .collect())
}

/// A tag, where it points and what that is, as a `HEAD` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagHead {
    /// The tag.
    pub tag: String,
    /// Where it points.
    pub digest: Digest,
    /// Whether that is an index (from the media type the registry gave).
    pub index: bool,
}

/// Every tag of `repository` with where it points and whether that is an index, in the
/// registry's order. A tag deleted while the scan runs is left out.
pub async fn heads(client: &Arc<Client>, repository: &Reference) -> Result<Vec<TagHead>> {
    let tags = client.tags(repository).await?;
    heads_of(client, repository, tags).await
}

/// Each of `tags` in `repository` with where it points and whether that is an index, in
/// the order given. A tag that is not there (deleted meanwhile) is left out.
pub async fn heads_of(
    client: &Arc<Client>,
    repository: &Reference,
    tags: Vec<String>,
) -> Result<Vec<TagHead>> {
    let resolved: Vec<Option<TagHead>> = stream::iter(tags)
        .map(|tag| {
            let client = client.clone();
            let reference = Reference::from_parts(
                repository.registry(),
                repository.repository(),
                Some(&tag),
                None,
            );
            async move {
                match client.manifest_head(&reference?).await {
                    Ok(head) => Ok(Some(TagHead {
                        index: head.media_type.as_deref().is_some_and(is_index_type),
                        digest: head.digest,
                        tag,
                    })),
                    Err(Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(resolved.into_iter().flatten().collect())
}

fn is_index_type(media_type: &str) -> bool {
    let base = media_type.split(';').next().unwrap_or_default().trim();
    base == portolan::manifest::OCI_INDEX || base == portolan::manifest::DOCKER_MANIFEST_LIST
}

/// The tags of the indexes among `scanned` that list `image` (a multi-arch tag whose
/// platform image it is): what deleting it would break.
pub async fn indexes_listing(
    client: &Arc<Client>,
    repository: &Reference,
    scanned: &[TagHead],
    image: &Digest,
) -> Vec<String> {
    let mut by_index: HashMap<Digest, Vec<String>> = HashMap::new();
    for t in scanned.iter().filter(|t| t.index && t.digest != *image) {
        by_index
            .entry(t.digest.clone())
            .or_default()
            .push(t.tag.clone());
    }
    let listing: Vec<Vec<String>> = stream::iter(by_index)
        .map(|(index, tags)| {
            let client = client.clone();
            let reference = repository.with_digest(index);
            let image = image.clone();
            async move {
                let children = index_children(&client, &reference).await;
                if children.is_ok_and(|c| c.contains(&image)) {
                    tags
                } else {
                    Vec::new()
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut tags: Vec<String> = listing.into_iter().flatten().collect();
    tags.sort();
    tags
}

/// What a clean-up needs to know about one image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageFacts {
    /// When it was built, as far as the registry says (`None` when it does not: an
    /// artifact, a config without a date, an image that cannot be read).
    pub created: Option<String>,
    /// For an index, the manifests it lists (platform images, attestation manifests).
    pub children: Vec<Digest>,
}

/// What a clean-up needs to know about each of `images` (digests in `repository`). An
/// image whose date cannot be read has none (the rules keep undated images); but an index
/// whose list of manifests cannot be read fails the whole scan: without it, a clean-up
/// could delete the platform images it needs.
pub async fn image_facts(
    client: &Arc<Client>,
    repository: &Reference,
    images: impl IntoIterator<Item = Digest>,
) -> Result<HashMap<Digest, ImageFacts>> {
    stream::iter(images)
        .map(|digest| {
            let client = client.clone();
            let reference = repository.with_digest(digest.clone());
            async move {
                let mut facts = ImageFacts::default();
                let index = match client.tag_summary(&reference).await {
                    Ok(summary) => {
                        facts.created = summary.created;
                        summary.kind == portolan::manifest::ManifestKind::Index
                    }
                    Err(e) => {
                        // Without a summary it may still be an index (one child that
                        // cannot be read is enough): look at the index itself.
                        tracing::debug!(%reference, "no build date: {e}");
                        true
                    }
                };
                if index {
                    facts.children = index_children(&client, &reference).await?;
                }
                Ok((digest, facts))
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await
}

/// The digests an index lists (none when it is not an index, was deleted meanwhile, or is
/// a kind Portolan does not read, which is never an index); any other failure to read it
/// is an error.
async fn index_children(client: &Client, index: &Reference) -> Result<Vec<Digest>> {
    match client.manifest(index).await {
        Ok(fetched) => Ok(match &fetched.manifest {
            portolan::manifest::Manifest::Index(index) => index
                .manifests()
                .iter()
                .filter_map(|m| Digest::parse(m.digest().as_ref()).ok())
                .collect(),
            portolan::manifest::Manifest::Image(_) => Vec::new(),
        }),
        Err(Error::NotFound { .. } | Error::UnsupportedManifest { .. }) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}
