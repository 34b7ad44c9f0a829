//! Every tag of a repository with the digest it points at now, and each distinct image's
//! build date: what a delete confirm and a clean-up preview must know about all the tags,
//! not only the rows a window has loaded.
//!
//! One `HEAD` per tag (a digest, no body) and one summary per distinct image, a bounded
//! number at a time, so 10,000 tags over a few images cost 10,000 small requests rather
//! than 20,000 large ones, and no registry sees more than [`CONCURRENCY`] at once.

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
    let tags = client.tags(repository).await?;
    let resolved: Vec<Option<(String, Digest)>> = stream::iter(tags)
        .map(|tag| {
            let client = client.clone();
            let reference = Reference::from_parts(
                repository.registry(),
                repository.repository(),
                Some(&tag),
                None,
            );
            async move {
                match client.resolve_digest(&reference?).await {
                    Ok(d) => Ok(Some((tag, d))),
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

/// When each of `images` (digests in `repository`) was built, as far as the registry says
/// (`None` when it does not: an artifact, a config without a date, an image that cannot be
/// read).
pub async fn build_dates(
    client: &Arc<Client>,
    repository: &Reference,
    images: impl IntoIterator<Item = Digest>,
) -> HashMap<Digest, Option<String>> {
    stream::iter(images)
        .map(|digest| {
            let client = client.clone();
            let reference = repository.with_digest(digest.clone());
            async move {
                let created = match client.tag_summary(&reference).await {
                    Ok(summary) => summary.created,
                    Err(e) => {
                        tracing::debug!(%reference, "no build date: {e}");
                        None
                    }
                };
                (digest, created)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}
