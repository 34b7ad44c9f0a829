//! Listing a layer's files straight from the registry: the blob streams through a hash
//! (so a listing is also a verification), then the right decompressor (gzip, zstd or none,
//! told by magic bytes, not by media type), then a tar reader that looks at each header and
//! reads past the content. Nothing is written to disk and nothing but a few chunks is held
//! in memory, whatever the layer's size.
//!
//! The network side is async; the decompressor and tar reader are `Read`-based, so they run
//! on one blocking thread fed through a small channel, as the pull's blob writer does.
//! A hostile layer is bounded: at most [`MAX_ENTRIES`] entries and [`MAX_LISTING_BYTES`] of
//! them are kept (the listing says it was cut), a name past 4 KiB or a PAX header past
//! 64 KiB is refused before the tar reader buffers it ([`super::tar_guard`]), inflating
//! past [`inflation_limit`] stops with an error (a gzip bomb), a tar that ends early or
//! lies about sizes is an error, and a blob whose bytes do not hash to its digest is
//! refused even when its tar read fine.

use std::io::{Cursor, Read};

use futures_util::StreamExt;

use crate::client::RegistryClient;
use crate::digest::{Digest, Hasher};
use crate::error::{size_words, Error, Result};
use crate::layer_files::entry::{normalise, whiteout, EntryKind, FileEntry};
use crate::layer_files::tar_guard::{Refusal, TarGuard, MAX_NAME_BYTES};
use crate::layout::compression::DetectedCompression;
use crate::transfer::progress::{Cancel, Progress, ProgressEvent};

/// Entries kept from one layer; past this the listing stops and says so.
pub const MAX_ENTRIES: usize = 1_000_000;

/// Memory one layer's listing may hold (its entries and their names, as
/// [`FileEntry::held_bytes`] counts them); past this the listing stops and says so, as at
/// [`MAX_ENTRIES`]. A layer of 300,000 files with 60-byte paths fits.
pub const MAX_LISTING_BYTES: u64 = 96 << 20;

/// How far a layer may inflate: 64 times its compressed size, and at least 1 GiB. Real
/// layers inflate 2 to 10 times; a gzip bomb, a thousand.
pub fn inflation_limit(compressed: u64) -> u64 {
    compressed.saturating_mul(64).max(1 << 30)
}

/// A layer's files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LayerListing {
    /// The layer blob's digest (verified).
    pub digest: Digest,
    /// The blob's size in bytes (what reading a file out of it again needs).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// How it was compressed: `gzip`, `zstd` or `none`.
    pub compression: String,
    /// Its entries, in tar order.
    pub entries: Vec<FileEntry>,
    /// Bytes of tar the layer inflated to (counted up to where the listing stopped).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub tar_bytes: u64,
    /// Whether the listing stopped at [`MAX_ENTRIES`] or [`MAX_LISTING_BYTES`].
    pub cut: bool,
    /// Whether its files carry content digests ([`Detail::ContentDigests`]).
    #[serde(default)]
    pub content_digests: bool,
    /// Why the layer was not read (its bytes are not in the registry: see
    /// [`crate::layer_files::foreign`]); it then has no entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub not_fetched: Option<String>,
}

impl LayerListing {
    /// The memory its entries hold, about (see [`FileEntry::held_bytes`]).
    pub fn held_bytes(&self) -> u64 {
        self.entries
            .iter()
            .fold(0u64, |sum, e| sum.saturating_add(e.held_bytes()))
    }

    /// The stand-in for a layer that is not fetched, saying why.
    pub fn not_fetched(digest: Digest, size: u64, why: String) -> Self {
        Self {
            digest,
            size,
            compression: "none".to_owned(),
            entries: Vec::new(),
            tar_bytes: 0,
            cut: false,
            content_digests: false,
            not_fetched: Some(why),
        }
    }
}

/// What a listing holds beyond the tar headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The headers only: the fastest listing.
    Headers,
    /// Each file's content digest too (what comparing images by content needs): every
    /// byte of every file is hashed as it passes, which costs CPU on a fast link.
    ContentDigests,
}

/// List the files of layer `digest` of `repository`, `size` bytes as the manifest says.
#[allow(clippy::too_many_arguments)]
pub async fn list_layer(
    client: &RegistryClient,
    repository: &str,
    digest: &Digest,
    size: u64,
    detail: Detail,
    cancel: &Cancel,
    progress: &Progress,
) -> Result<LayerListing> {
    let expected = digest.clone();
    let limit = inflation_limit(size);
    stream_layer(
        client,
        repository,
        digest,
        size,
        cancel,
        progress,
        move |rx| list_tar(rx, &expected, size, limit, detail),
    )
    .await
}

/// Bytes of blob between two progress reports.
const REPORT_EVERY: u64 = 1 << 20;

/// The bytes of a layer's blob as they arrive, for a blocking reader.
pub(crate) type Chunks = tokio::sync::mpsc::Receiver<std::io::Result<bytes::Bytes>>;

/// Stream blob `digest` (`size` bytes) into `work`, which runs on a blocking thread and
/// reads the chunks from its channel, reporting the bytes received to `progress` (every
/// MiB, and at the end); its failure is told which registry and layer it was about.
pub(crate) async fn stream_layer<T: Send + 'static>(
    client: &RegistryClient,
    repository: &str,
    digest: &Digest,
    size: u64,
    cancel: &Cancel,
    progress: &Progress,
    work: impl FnOnce(Chunks) -> std::result::Result<T, Failure> + Send + 'static,
) -> Result<T> {
    cancel.check()?;
    let blob = client.read_blob(repository, digest, 0, None).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(8);
    let worker = tokio::task::spawn_blocking(move || work(rx));
    let mut stream = blob.response.bytes_stream();
    let (mut done, mut reported) = (0u64, 0u64);
    let report = |done: u64| {
        progress(ProgressEvent::Blob {
            digest: digest.clone(),
            done: done.min(size),
            total: size,
        })
    };
    loop {
        // A stalled registry sends no chunk to wake us: Cancel must not wait for one.
        let chunk = match cancel.or(stream.next()).await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break, // the blob ended
            Err(cancelled) => {
                drop(tx);
                let _ = worker.await;
                return Err(cancelled);
            }
        };
        let chunk = chunk.map_err(std::io::Error::other);
        if let Ok(bytes) = &chunk {
            done += bytes.len() as u64;
            if done - reported >= REPORT_EVERY {
                reported = done;
                report(done);
            }
        }
        let failed = chunk.is_err();
        // The reader stopped (an error of its own): its result says why.
        if tx.send(chunk).await.is_err() || failed {
            break;
        }
    }
    drop(tx);
    report(done);
    let outcome = worker
        .await
        .map_err(|e| Error::internal(format!("the layer reader stopped: {e}")))?;
    outcome.map_err(|failure| failure.into_error(client.registry(), digest))
}

/// Why a listing failed, before it is told which registry and layer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The bytes did not hash to the digest.
    Digest { actual: Digest },
    /// More or fewer bytes than the manifest said.
    Size { bytes: u64, expected: u64 },
    /// Inflated past the limit.
    Bomb { limit: u64 },
    /// The tar or its compression is broken (or the connection broke mid-blob).
    Broken(String),
    /// A member larger than any real one (a name, a PAX header, a sparse map).
    Refused(Refusal),
}

impl Failure {
    /// What an I/O error in the walk means.
    fn of(e: std::io::Error, limit: u64) -> Self {
        if let Some(refusal) = Refusal::of(&e) {
            return Failure::Refused(refusal.clone());
        }
        if e.to_string() == BOMB {
            Failure::Bomb { limit }
        } else {
            Failure::Broken(e.to_string())
        }
    }
}

impl Failure {
    fn into_error(self, registry: &str, digest: &Digest) -> Error {
        let what = format!("layer {digest}");
        match self {
            Failure::Digest { actual } => Error::DigestMismatch {
                registry: registry.to_owned(),
                what,
                expected: digest.to_string(),
                actual: actual.to_string(),
            },
            Failure::Size { bytes, expected } => Error::protocol(
                registry,
                what,
                if bytes > expected {
                    format!("it sent more than the {expected} bytes the manifest says")
                } else {
                    format!("it sent {bytes} bytes where the manifest says {expected}")
                },
            ),
            Failure::Bomb { limit } => Error::TooLarge {
                registry: registry.to_owned(),
                what: format!("{what}, inflated"),
                limit,
            },
            Failure::Broken(detail) => Error::protocol(
                registry,
                what,
                format!("it is not a readable tar layer ({detail})"),
            ),
            Failure::Refused(refusal) => {
                let (what, limit) = match refusal {
                    Refusal::Name { bytes } => (
                        format!("a file name of {} in layer {digest}", size_words(bytes)),
                        format!("{} a name", size_words(MAX_NAME_BYTES)),
                    ),
                    Refusal::Pax { bytes } => (
                        format!(
                            "a PAX header (a file's extra attributes) of {} in layer {digest}",
                            size_words(bytes)
                        ),
                        format!("{} a header", size_words(super::tar_guard::MAX_PAX_BYTES)),
                    ),
                    Refusal::Sparse => (
                        format!("a sparse file described in too many pieces in layer {digest}"),
                        format!("{} extension headers", super::tar_guard::MAX_SPARSE_HEADERS),
                    ),
                };
                Error::OverBudget {
                    registry: registry.to_owned(),
                    what,
                    limit,
                }
            }
        }
    }
}

/// The blob's bytes as they arrive, hashed and counted on the way; it ends where the
/// manifest says the blob ends (a registry sending more is noted in `overflow`).
struct Incoming {
    rx: tokio::sync::mpsc::Receiver<std::io::Result<bytes::Bytes>>,
    current: bytes::Bytes,
    hasher: Option<Hasher>,
    bytes: u64,
    size: u64,
    overflow: bool,
}

impl Read for Incoming {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let left = self.size.saturating_sub(self.bytes);
        if left == 0 {
            self.overflow = true;
            return Ok(0);
        }
        let n = buf
            .len()
            .min(self.current.len())
            .min(left.try_into().unwrap_or(usize::MAX));
        let part = self.current.split_to(n);
        buf[..n].copy_from_slice(&part);
        if let Some(h) = self.hasher.as_mut() {
            h.update(&part);
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The inflated tar, counted, refusing to go past a limit.
struct Bounded<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(BOMB));
        }
        Ok(n)
    }
}

const BOMB: &str = "inflates past the limit";

fn list_tar(
    rx: Chunks,
    expected: &Digest,
    size: u64,
    limit: u64,
    detail: Detail,
) -> std::result::Result<LayerListing, Failure> {
    let mut entries = Vec::new();
    let mut held = 0u64;
    let mut cut = false;
    let mut buf = vec![0u8; 64 * 1024];
    let walked = walk(rx, expected, size, limit, &mut |mut entry, content| {
        held = held.saturating_add(entry.held_bytes());
        if entries.len() >= MAX_ENTRIES || held > MAX_LISTING_BYTES {
            cut = true;
            return Ok(Walk::Stop);
        }
        if detail == Detail::ContentDigests && entry.kind == EntryKind::File {
            entry.content = Some(content_digest(content, &mut buf)?);
        }
        entries.push(entry);
        Ok(Walk::Next)
    })?;
    Ok(LayerListing {
        digest: expected.clone(),
        size,
        compression: walked.compression.to_owned(),
        entries,
        tar_bytes: walked.tar_bytes,
        cut,
        content_digests: detail == Detail::ContentDigests,
        not_fetched: None,
    })
}

/// The sha256 of a file's content as it passes (the tar reader would read past it anyway).
fn content_digest(content: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<Digest> {
    let mut hasher = Hasher::new(crate::digest::Algorithm::Sha256);
    loop {
        match content.read(buf)? {
            0 => return Ok(hasher.finish()),
            n => hasher.update(&buf[..n]),
        }
    }
}

/// What a visitor wants after an entry.
pub(crate) enum Walk {
    /// The next entry.
    Next,
    /// No more entries (the blob is still read through and verified).
    Stop,
}

/// What a walk through a layer found out about it.
pub(crate) struct Walked {
    /// `gzip`, `zstd` or `none`.
    pub compression: &'static str,
    /// Bytes of tar inflated.
    pub tar_bytes: u64,
}

/// A visitor of a layer's entries: each entry, and a reader of its content.
pub(crate) type Visit<'a> = dyn FnMut(FileEntry, &mut dyn Read) -> std::io::Result<Walk> + 'a;

/// Walk the tar of the blob arriving on `rx`, showing each entry to `visit`, then read the
/// rest of the blob and check it is `size` bytes hashing to `expected`. A blob that does
/// not match its digest says so, whatever else went wrong.
pub(crate) fn walk(
    rx: Chunks,
    expected: &Digest,
    size: u64,
    limit: u64,
    visit: &mut Visit<'_>,
) -> std::result::Result<Walked, Failure> {
    let mut incoming = Incoming {
        rx,
        current: bytes::Bytes::new(),
        hasher: Some(expected.hasher()),
        bytes: 0,
        size,
        overflow: false,
    };
    let broken = |e: std::io::Error| Failure::of(e, limit);
    let parsed = parse(&mut incoming, limit, &broken, visit);
    // Whatever was not inflated (or was left when parsing failed) still counts for the
    // digest.
    let drained = std::io::copy(&mut incoming, &mut std::io::sink());
    let actual = incoming
        .hasher
        .take()
        .map(Hasher::finish)
        .ok_or_else(|| Failure::Broken("hash state lost".to_owned()))?;
    if let Err(e) = drained {
        return Err(broken(e));
    }
    if incoming.overflow || incoming.bytes != size {
        return Err(Failure::Size {
            bytes: incoming.bytes + u64::from(incoming.overflow),
            expected: size,
        });
    }
    if &actual != expected {
        return Err(Failure::Digest { actual });
    }
    let (compression, tar_bytes) = parsed?;
    Ok(Walked {
        compression: match compression {
            DetectedCompression::Gzip => "gzip",
            DetectedCompression::Zstd => "zstd",
            DetectedCompression::None => "none",
        },
        tar_bytes,
    })
}

/// Detect the compression, inflate and show each tar entry to `visit`.
fn parse(
    incoming: &mut Incoming,
    limit: u64,
    broken: &dyn Fn(std::io::Error) -> Failure,
    visit: &mut Visit<'_>,
) -> std::result::Result<(DetectedCompression, u64), Failure> {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < head.len() {
        match incoming.read(&mut head[got..]).map_err(broken)? {
            0 => break,
            n => got += n,
        }
    }
    let compression = DetectedCompression::detect(&head[..got]);
    let joined = Cursor::new(head[..got].to_vec()).chain(&mut *incoming);
    let inflated: Box<dyn Read + '_> = match compression {
        DetectedCompression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(joined)),
        DetectedCompression::Zstd => Box::new(
            zstd::stream::read::Decoder::new(joined)
                .map_err(|e| Failure::Broken(format!("zstd: {e}")))?,
        ),
        DetectedCompression::None => Box::new(joined),
    };
    let mut bounded = Bounded {
        inner: inflated,
        read: 0,
        limit,
    };
    let mut stopped = false;
    {
        let mut archive = tar::Archive::new(TarGuard::new(&mut bounded));
        for entry in archive.entries().map_err(broken)? {
            let mut entry = entry.map_err(broken)?;
            // A PAX `path` or `linkpath` is as long as its header allows: hold it to a
            // name's limit too.
            let longest = entry
                .path_bytes()
                .len()
                .max(entry.link_name_bytes().map_or(0, |l| l.len()));
            if longest as u64 > MAX_NAME_BYTES {
                return Err(Failure::Refused(Refusal::Name {
                    bytes: longest as u64,
                }));
            }
            let described = describe(&entry);
            if let Walk::Stop = visit(described, &mut entry).map_err(broken)? {
                stopped = true;
                break;
            }
        }
    }
    if !stopped {
        // The rest of the stream (the tar's end blocks, the gzip trailer) is part of the
        // blob's bytes too: read it through, still bounded.
        std::io::copy(&mut bounded, &mut std::io::sink()).map_err(broken)?;
    }
    Ok((compression, bounded.read))
}

/// One tar header as a [`FileEntry`].
fn describe<R: Read>(entry: &tar::Entry<'_, R>) -> FileEntry {
    let header = entry.header();
    let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let (path, unsafe_path) = normalise(&raw);
    let link = || {
        entry
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned())
            .unwrap_or_default()
    };
    let kind = match header.entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink { target: link() },
        tar::EntryType::Link => EntryKind::Hardlink {
            target: normalise(&link()).0,
        },
        tar::EntryType::Char => EntryKind::CharDevice,
        tar::EntryType::Block => EntryKind::BlockDevice,
        tar::EntryType::Fifo => EntryKind::Fifo,
        other => EntryKind::Other {
            code: other.as_byte(),
        },
    };
    let (path, kind) = match (&kind, whiteout(&path)) {
        (EntryKind::File, Some((deleted, marker))) => (deleted, marker),
        _ => (path, kind),
    };
    let text = |b: Option<&[u8]>| {
        b.filter(|b| !b.is_empty())
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    FileEntry {
        path,
        size: if kind == EntryKind::File {
            entry.size()
        } else {
            0
        },
        kind,
        mode: header.mode().unwrap_or(0),
        uid: header.uid().unwrap_or(0),
        gid: header.gid().unwrap_or(0),
        user: text(header.username_bytes()),
        group: text(header.groupname_bytes()),
        mtime: header.mtime().unwrap_or(0),
        unsafe_path,
        content: None,
    }
}

#[cfg(test)]
#[path = "listing_tests.rs"]
mod tests;
