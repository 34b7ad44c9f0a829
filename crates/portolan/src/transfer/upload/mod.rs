//! Uploading one blob, the step push and copy share.
//!
//! A blob the registry already has is skipped (HEAD); one seen in another repository of the
//! same registry is mounted (falling back to an upload when the registry answers 202).
//! Blobs up to the chunk size go in one request; larger ones in chunks (at least
//! `OCI-Chunk-Min-Length`). Failures are retried through [`retry`] with the client's
//! configured policy: a single-request upload that breaks starts over in a new session, a
//! chunked one resumes from the offset the registry reports. Whatever went wrong, a session
//! that did not finish is abandoned (never finished), and bytes the local check refused
//! are reported as such rather than as the broken request they caused.

use std::sync::Arc;

use crate::client::{Mount, Payload, RegistryClient, UploadSession};
use crate::error::{Error, Result};
use crate::transfer::progress::BlobOutcome;
use crate::transfer::push::PushOptions;
use crate::transfer::source::{absorb, watched, BlobSource};
use crate::transfer::upload_check::UploadCheck;
use crate::transfer::Blob;
use crate::transport::retry::{retry, Decision};
use crate::transport::RetryPolicy;

#[cfg(test)]
mod tests;

/// Upload one blob to `repository` unless it is there; mount it when the registry has it
/// elsewhere (`mount_from`, or a repository the client saw it in).
pub async fn upload_blob(
    dst: &RegistryClient,
    repository: &str,
    blob: &Blob,
    source: &BlobSource,
    mount_from: Option<&str>,
    options: &PushOptions,
) -> Result<BlobOutcome> {
    options.cancel.check()?;
    if dst.blob_size(repository, &blob.digest).await?.is_some() {
        return Ok(BlobOutcome::Skipped);
    }
    let home = mount_from
        .map(str::to_owned)
        .or_else(|| dst.blob_home(&blob.digest, repository));
    let session = match home {
        Some(from) => match dst.mount_blob(repository, &blob.digest, &from).await? {
            Mount::Mounted => return Ok(BlobOutcome::Mounted),
            Mount::Upload(session) => session,
        },
        None => dst.start_upload(repository).await?,
    };
    let chunk = options
        .chunk_size
        .max(session.chunk_min.unwrap_or(0))
        .max(1);
    let upload = Upload {
        dst,
        repository,
        blob,
        source,
        options,
        check: UploadCheck::new(&blob.digest, blob.size, source.origin(&blob.digest)),
    };
    if blob.size <= chunk {
        upload.whole(session).await
    } else {
        upload.chunked(session, chunk).await
    }
}

/// One blob's upload: where it goes, where its bytes come from, and their running check.
struct Upload<'a> {
    dst: &'a RegistryClient,
    repository: &'a str,
    blob: &'a Blob,
    source: &'a BlobSource,
    options: &'a PushOptions,
    check: Arc<UploadCheck>,
}

/// Where a chunked upload stands: its session and the bytes the registry has.
struct Position {
    session: UploadSession,
    offset: u64,
}

impl Upload<'_> {
    /// The body for bytes `start..start + len`, checked and reported on its way out.
    async fn body(&self, start: u64, len: u64) -> Result<Payload> {
        let stream = self.source.open(&self.blob.digest, start, len).await?;
        Ok(Payload::stream(watched(
            stream,
            self.check.clone(),
            self.blob.digest.clone(),
            (start, start + len),
            self.blob.size,
            self.options.progress.clone(),
            self.options.cancel.clone(),
        )))
    }

    /// What to report for `e` once the session is abandoned: a cancellation, or the bytes
    /// the check refused, rather than the broken request they caused.
    fn explain(&self, e: Error) -> Error {
        if self.options.cancel.is_cancelled() {
            return Error::Cancelled;
        }
        self.check.take_failure().unwrap_or(e)
    }

    /// Abandon `session` after `e`, and say why.
    async fn fail(&self, session: &UploadSession, e: Error) -> Error {
        self.dst.cancel_upload(self.repository, session).await;
        self.explain(e)
    }

    /// Whether a failed request may be made again: not once the bytes were refused or the
    /// user cancelled.
    fn may_retry(&self) -> bool {
        !self.check.failed() && !self.options.cancel.is_cancelled()
    }

    /// The blob in one request (PUT). A request that breaks is abandoned and the upload
    /// starts over in a new session.
    async fn whole(&self, session: UploadSession) -> Result<BlobOutcome> {
        let mut first = Some(session);
        let outcome = retry(
            self.dst.retry_policy(),
            |_| {
                let given = first.take();
                async move {
                    let session = match given {
                        Some(session) => session,
                        None => self.dst.start_upload(self.repository).await?,
                    };
                    self.send_whole(session).await
                }
            },
            |outcome| match outcome {
                Ok(Err(Error::Unreachable { .. })) if self.may_retry() => Decision::BACKOFF,
                _ => Decision::Stop,
            },
        )
        .await?;
        if let Err(e) = outcome {
            return Err(self.explain(e));
        }
        if self.check.verified() {
            return Ok(BlobOutcome::Transferred);
        }
        // The registry committed a body we did not fully check: cannot happen while the
        // body fails first, but never report such a blob as pushed.
        Err(self
            .check
            .take_failure()
            .unwrap_or_else(|| Error::BadSource {
                path: self.source.name(),
                kind: "blob",
                detail: format!("blob {} was not fully read", self.blob.digest),
            }))
    }

    /// One attempt of [`whole`](Self::whole) in `session`. The outer error ends the upload
    /// (the session is abandoned); the inner one is a failed PUT (the session is abandoned
    /// too), which may be tried again.
    async fn send_whole(&self, session: UploadSession) -> Result<Result<()>> {
        self.check.rewind(0);
        let body = match self.body(0, self.blob.size).await {
            Ok(body) => body,
            Err(e) => return Err(self.fail(&session, e).await),
        };
        let sent = self
            .dst
            .finish_upload(
                self.repository,
                &session,
                &self.blob.digest,
                Some((self.blob.size, body)),
            )
            .await;
        if sent.is_err() {
            self.dst.cancel_upload(self.repository, &session).await;
        }
        Ok(sent)
    }

    /// The blob in chunks (a PATCH each, then the PUT). A chunk that fails resumes from the
    /// offset the registry reports, or starts over in a new session when it cannot say.
    async fn chunked(&self, session: UploadSession, chunk: u64) -> Result<BlobOutcome> {
        // Each failure resumes rather than repeats what was sent: the policy's attempts
        // count the resumes, after the first pass.
        let policy = self.dst.retry_policy();
        let policy = RetryPolicy {
            max_attempts: policy.max_attempts.saturating_add(1),
            ..policy
        };
        let position = tokio::sync::Mutex::new(Position { session, offset: 0 });
        let at = &position;
        let outcome = retry(
            policy,
            |attempt| async move {
                let mut at = at.lock().await;
                if attempt > 1 {
                    self.resume(&mut at).await?;
                }
                self.send_chunks(&mut at, chunk).await
            },
            |outcome| match outcome {
                Ok(Err(e @ (Error::Unreachable { .. } | Error::Registry { .. })))
                    if self.may_retry() =>
                {
                    tracing::info!(digest = %self.blob.digest, error = %e, "chunk failed; asking the registry where to resume");
                    Decision::BACKOFF
                }
                _ => Decision::Stop,
            },
        )
        .await?;
        let Position { session, .. } = position.into_inner();
        if let Err(e) = outcome {
            return Err(self.fail(&session, e).await);
        }
        if !self.check.verified() {
            let e = Error::BadSource {
                path: self.source.name(),
                kind: "blob",
                detail: format!("blob {} was not fully read", self.blob.digest),
            };
            return Err(self.fail(&session, e).await);
        }
        if let Err(e) = self
            .dst
            .finish_upload(self.repository, &session, &self.blob.digest, None)
            .await
        {
            return Err(self.fail(&session, e).await);
        }
        Ok(BlobOutcome::Transferred)
    }

    /// After a failed chunk: go on from the offset the registry reports, or abandon the
    /// session and start a new one when it cannot say.
    async fn resume(&self, at: &mut Position) -> Result<()> {
        match self.dst.upload_offset(self.repository, &at.session).await {
            Ok(Some(n)) if n <= self.blob.size => at.offset = n,
            _ => {
                self.dst.cancel_upload(self.repository, &at.session).await;
                at.session = self.dst.start_upload(self.repository).await?;
                at.offset = 0;
            }
        }
        Ok(())
    }

    /// Send the chunks from `at.offset` to the end. The outer error ends the upload (the
    /// session is abandoned); the inner one is a chunk the registry did not take.
    async fn send_chunks(&self, at: &mut Position, chunk: u64) -> Result<Result<()>> {
        while at.offset < self.blob.size {
            let len = chunk.min(self.blob.size - at.offset);
            if !self.check.rewind(at.offset) {
                // The registry named an offset the hash is not at: re-read the bytes before it.
                if let Err(e) = absorb(self.source, &self.blob.digest, at.offset, &self.check).await
                {
                    return Err(self.fail(&at.session, e).await);
                }
                if !self.check.rewind(at.offset) {
                    let e = Error::internal(format!(
                        "the local hash of blob {} could not be brought to byte {}",
                        self.blob.digest, at.offset
                    ));
                    return Err(self.fail(&at.session, e).await);
                }
            }
            let body = match self.body(at.offset, len).await {
                Ok(body) => body,
                Err(e) => return Err(self.fail(&at.session, e).await),
            };
            let sent = self
                .dst
                .upload_chunk(self.repository, &mut at.session, at.offset, len, body)
                .await;
            if let Err(e) = sent {
                return Ok(Err(e));
            }
            at.offset += len;
            self.check.acknowledged();
        }
        Ok(Ok(()))
    }
}
