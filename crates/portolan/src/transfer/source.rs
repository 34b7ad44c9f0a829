//! Where blob bytes come from when uploading: a local file (a layout blob, or a slice of a
//! tar archive) or another registry (streamed, for copies).
//!
//! Every source is opened at an offset, so an upload that broke can resume from where the
//! registry says it stopped. Bytes are hashed on the way when the whole blob is sent in one
//! request, so bad bytes never become a committed blob.

use std::path::PathBuf;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::transfer::progress::{Cancel, Progress, ProgressEvent};
use crate::transfer::upload_check::{Origin, UploadCheck};

const READ_CHUNK: usize = 256 * 1024;

/// Where a blob's bytes are.
#[derive(Clone)]
pub enum BlobSource {
    /// `len` bytes at `offset` of a file.
    File {
        /// The file.
        path: PathBuf,
        /// Where the blob starts in it.
        offset: u64,
    },
    /// A repository of another (or the same) registry.
    Registry {
        /// The registry.
        client: Arc<RegistryClient>,
        /// The repository.
        repository: String,
    },
}

type ByteStream = std::pin::Pin<Box<dyn Stream<Item = std::io::Result<bytes::Bytes>> + Send>>;

impl BlobSource {
    /// A stream of bytes `from..from+len` of blob `digest`.
    pub async fn open(&self, digest: &Digest, from: u64, len: u64) -> Result<ByteStream> {
        match self {
            BlobSource::File { path, offset } => {
                let mut file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::io("cannot read", path, e))?;
                file.seek(std::io::SeekFrom::Start(offset + from))
                    .await
                    .map_err(|e| Error::io("cannot read", path, e))?;
                let state = (file.take(len), vec![0u8; READ_CHUNK]);
                Ok(Box::pin(futures_util::stream::unfold(
                    state,
                    |(mut file, mut buf)| async move {
                        match file.read(&mut buf).await {
                            Ok(0) => None,
                            Ok(n) => {
                                Some((Ok(bytes::Bytes::copy_from_slice(&buf[..n])), (file, buf)))
                            }
                            Err(e) => Some((Err(e), (file, buf))),
                        }
                    },
                )))
            }
            BlobSource::Registry { client, repository } => {
                let end = if len == 0 { None } else { Some(from + len - 1) };
                let read = client.read_blob(repository, digest, from, end).await?;
                if read.offset != from {
                    return Err(Error::protocol(
                        client.registry(),
                        format!("blob {digest}"),
                        "it ignored a range request, so the copy cannot resume",
                    ));
                }
                Ok(Box::pin(
                    read.response
                        .bytes_stream()
                        .map(|r| r.map_err(std::io::Error::other)),
                ))
            }
        }
    }
}

/// Wrap a stream of bytes `start..end` of blob `digest` (of `total` bytes) so it reports
/// progress, stops on cancel, and passes every byte through `check`, which fails the body
/// before a wrong last byte goes out, or at the end of a source that stopped short.
pub fn watched(
    stream: ByteStream,
    check: Arc<UploadCheck>,
    digest: Digest,
    (start, end): (u64, u64),
    total: u64,
    progress: Progress,
    cancel: Cancel,
) -> reqwest::Body {
    let done = std::sync::atomic::AtomicU64::new(start);
    let at_end = check.clone();
    let body = stream.map(move |chunk| {
        let chunk = chunk?;
        if cancel.is_cancelled() {
            return Err(std::io::Error::other("cancelled"));
        }
        check.feed_until(&chunk, end)?;
        let now = done.fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed)
            + chunk.len() as u64;
        progress(ProgressEvent::Blob {
            digest: digest.clone(),
            done: now,
            total,
        });
        Ok(chunk)
    });
    let tail = futures_util::stream::once(async move { at_end.ended(end) })
        .filter_map(|r| async move { r.err().map(Err) });
    reqwest::Body::wrap_stream(body.chain(tail))
}

/// Hash bytes `0..len` of a blob into `check` without sending them (to resume a chunked
/// upload from an offset the hash does not know yet).
pub async fn absorb(
    source: &BlobSource,
    digest: &Digest,
    len: u64,
    check: &UploadCheck,
) -> Result<()> {
    if len == 0 {
        return Ok(());
    }
    let mut stream = source.open(digest, 0, len).await?;
    let mut read = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::Unreachable {
            registry: source.name(),
            reason: format!("reading blob {digest} again failed: {e}"),
            hint: "try again".to_owned(),
            tls: false,
        })?;
        // Exactly `len` bytes: a source that sends more has its extra bytes ignored here
        // (they are not part of what was uploaded), one that sends fewer is an error.
        let take = usize::try_from(len - read)
            .unwrap_or(usize::MAX)
            .min(chunk.len());
        check.absorb(&chunk[..take]);
        read += take as u64;
        if read == len {
            break;
        }
    }
    if read != len {
        return Err(Error::Unreachable {
            registry: source.name(),
            reason: format!("reading blob {digest} again gave {read} of the {len} bytes asked for"),
            hint: "try again".to_owned(),
            tls: false,
        });
    }
    Ok(())
}

impl BlobSource {
    /// The file or registry, for messages.
    pub fn name(&self) -> String {
        match self {
            BlobSource::File { path, .. } => path.display().to_string(),
            BlobSource::Registry { client, .. } => client.registry().to_owned(),
        }
    }

    /// What a check of bytes read from here names in its errors.
    pub fn origin(&self, digest: &Digest) -> Origin {
        match self {
            BlobSource::File { path, offset: 0 } => Origin::File(path.display().to_string()),
            BlobSource::File { path, offset } => {
                Origin::File(format!("{} (at byte {offset})", path.display()))
            }
            BlobSource::Registry { client, repository } => Origin::Registry {
                registry: client.registry().to_owned(),
                what: format!("blob {digest} of {}/{repository}", client.registry()),
            },
        }
    }
}
