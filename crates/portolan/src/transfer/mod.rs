//! Transfers: the write side of the engine and the machinery that moves blobs.
//!
//! `pull` (to an OCI layout or a docker archive), `push` (from either), `pull_engine` and
//! `push_engine` (into and out of the local Docker or Podman), `upload` (one blob:
//! skipped, mounted, or sent whole or in resumable chunks; shared by push and copy), `copy`
//! (registry to registry, streaming, mounting within one registry) and `referrers` (what
//! copy brings along), and `progress` (reports and cancellation shared by all of them).
//! Every byte that moves is verified against its digest on the way. Tag, untag and delete
//! move no blobs and live in [`crate::tags`].

pub mod copy;
pub mod progress;
pub mod pull;
pub mod pull_engine;
pub mod push;
pub mod push_archive;
pub mod push_engine;
pub mod referrers;
pub mod source;
pub mod upload;
pub mod upload_check;

use futures_util::StreamExt;

use crate::digest::Digest;
use crate::error::Result;
use progress::{BlobOutcome, Progress, ProgressEvent, Tally};

/// Blobs moved at once when the caller does not say: enough to hide one request's latency
/// behind the others without crowding a registry's per-client limits.
pub const DEFAULT_JOBS: usize = 4;

/// A blob to move: its digest and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// The digest.
    pub digest: Digest,
    /// The size in bytes.
    pub size: u64,
}

/// Move every blob with `step`, `jobs` at a time, reporting the plan, each blob's end and
/// the counts; stops at the first error. Shared by pull, push and copy.
pub(crate) async fn move_blobs<T, F, Fut>(
    items: Vec<(Blob, T)>,
    jobs: usize,
    progress: &Progress,
    step: F,
) -> Result<Tally>
where
    F: Fn(Blob, T) -> Fut,
    Fut: std::future::Future<Output = Result<BlobOutcome>>,
{
    progress(ProgressEvent::Started {
        blobs: items.len(),
        total_bytes: items
            .iter()
            .fold(0u64, |sum, (b, _)| sum.saturating_add(b.size)),
    });
    let tally = Tally::default();
    // Owned items (not references) keep the futures Send for callers that spawn them.
    let results: Vec<Result<()>> = futures_util::stream::iter(items)
        .map(|(blob, extra)| {
            let (digest, size) = (blob.digest.clone(), blob.size);
            let moved = step(blob, extra);
            let tally = &tally;
            async move {
                let outcome = moved.await?;
                tally.record(outcome, size);
                progress(ProgressEvent::BlobDone {
                    digest,
                    size,
                    outcome,
                });
                Ok(())
            }
        })
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    results.into_iter().collect::<Result<Vec<()>>>()?;
    Ok(tally)
}
