//! Where blob bytes come from when uploading: a local file (a layout blob, or a slice of a
//! tar archive) or another registry (streamed, for copies).
//!
//! Every source is opened at an offset, so an upload that broke can resume from where the
//! registry says it stopped. Bytes are hashed on the way when the whole blob is sent in one
//! request, so bad bytes never become a committed blob.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::transfer::progress::{Cancel, Progress, ProgressEvent};

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
                    return Err(Error::InvalidResponse {
                        registry: client.registry().to_owned(),
                        what: format!("blob {digest}"),
                        detail: "it ignored a range request, so the copy cannot resume".to_owned(),
                    });
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

/// Wrap a stream so it reports progress, stops on cancel, and (with `verify`) fails at the
/// end unless the bytes hash to `digest`; the returned flag tells that failure apart.
pub fn watched(
    stream: ByteStream,
    digest: Digest,
    start: u64,
    total: u64,
    verify: bool,
    progress: Progress,
    cancel: Cancel,
) -> (reqwest::Body, Arc<std::sync::atomic::AtomicBool>) {
    let mismatch = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = mismatch.clone();
    let hasher = Mutex::new(if verify { Some(digest.hasher()) } else { None });
    let done = std::sync::atomic::AtomicU64::new(start);
    let body = stream.map(move |chunk| {
        let chunk = chunk?;
        if cancel.is_cancelled() {
            return Err(std::io::Error::other("cancelled"));
        }
        let now = done.fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed)
            + chunk.len() as u64;
        let mut guard = hasher.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = guard.as_mut() {
            h.update(&chunk);
            // Check before the last bytes go out: a request whose body ends early is
            // never committed by the registry.
            if now >= total {
                let actual = guard.take().map(|h| h.finish());
                if actual.as_ref() != Some(&digest) || now > total {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst);
                    return Err(std::io::Error::other(format!(
                        "the source's bytes do not match {digest}"
                    )));
                }
            }
        }
        drop(guard);
        progress(ProgressEvent::Blob {
            digest: digest.clone(),
            done: now,
            total,
        });
        Ok(chunk)
    });
    (reqwest::Body::wrap_stream(body), mismatch)
}
