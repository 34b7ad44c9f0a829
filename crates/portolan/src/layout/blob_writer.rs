//! Writing a blob to disk while hashing it, off the async threads.
//!
//! Chunks arrive from the network on the async side and go through a small bounded channel
//! to one blocking thread per blob, which hashes and appends them: the network, the hash
//! and the disk work in parallel, and memory stays at a few chunks whatever the blob size.
//! A resumed download first hashes the bytes already on disk, then appends.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::layout::oci::hash_reader;

const QUEUE: usize = 1;

/// What the writing thread hands back: the hash state and the file length, or the failed
/// action and its error.
type WorkerResult = std::result::Result<(Hasher, u64), (std::io::Error, &'static str)>;

/// An open blob file being written.
pub struct BlobWriter {
    tx: Option<tokio::sync::mpsc::Sender<bytes::Bytes>>,
    worker: tokio::task::JoinHandle<WorkerResult>,
    path: PathBuf,
}

impl BlobWriter {
    /// Open `path` for `expected`, keeping its first `keep` bytes (0 starts over).
    pub async fn open(path: &Path, expected: &Digest, keep: u64) -> Result<Self> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| Error::io("cannot create", parent, e))?;
        }
        let (tx, mut rx) = tokio::sync::mpsc::channel::<bytes::Bytes>(QUEUE);
        let owned = path.to_path_buf();
        let mut hasher = expected.hasher();
        let worker = tokio::task::spawn_blocking(move || {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&owned)
                .map_err(|e| (e, "cannot open"))?;
            file.set_len(keep).map_err(|e| (e, "cannot truncate"))?;
            file.seek(SeekFrom::Start(0))
                .map_err(|e| (e, "cannot read"))?;
            let kept = hash_reader(&mut file, &mut hasher, keep).map_err(|e| (e, "cannot read"))?;
            file.seek(SeekFrom::Start(kept))
                .map_err(|e| (e, "cannot seek"))?;
            let mut out = std::io::BufWriter::with_capacity(128 * 1024, file);
            let mut written = kept;
            while let Some(chunk) = rx.blocking_recv() {
                hasher.update(&chunk);
                out.write_all(&chunk).map_err(|e| (e, "cannot write"))?;
                written += chunk.len() as u64;
            }
            out.flush().map_err(|e| (e, "cannot write"))?;
            Ok((hasher, written))
        });
        Ok(Self {
            tx: Some(tx),
            worker,
            path: path.to_path_buf(),
        })
    }

    /// Queue a chunk (waits when the disk is behind).
    pub async fn write(&mut self, chunk: bytes::Bytes) -> Result<()> {
        let tx = self.tx.as_ref().expect("writer is open");
        if tx.send(chunk).await.is_err() {
            // The worker stopped: finish() reports its error.
            self.tx = None;
            return self.finish_inner().await.map(|_| ());
        }
        Ok(())
    }

    /// Flush and close; the digest of everything in the file and its length.
    pub async fn finish(mut self) -> Result<(Digest, u64)> {
        self.finish_inner().await
    }

    async fn finish_inner(&mut self) -> Result<(Digest, u64)> {
        self.tx = None;
        let worker = std::mem::replace(
            &mut self.worker,
            tokio::task::spawn_blocking(|| Err((std::io::Error::other("closed"), "closed"))),
        );
        match worker.await {
            Ok(Ok((hasher, len))) => Ok((hasher.finish(), len)),
            Ok(Err((e, action))) => Err(Error::io(action, &self.path, e)),
            Err(e) => Err(Error::internal(format!(
                "the writer of {} stopped: {e}",
                self.path.display()
            ))),
        }
    }
}
