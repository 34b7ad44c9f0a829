//! Layer listings kept on disk by layer digest. A layer's content never changes under its
//! digest, so a listing never goes stale: the second look at a layer costs no network.
//!
//! One JSON file per layer (`DIR/v2/sha256/HEX.json`), written to a temporary name and moved
//! into place, so a reader never sees half a file; a file that does not parse, or that
//! describes another digest, is ignored (and replaced by the next listing).
//!
//! The cache is bounded: a listing larger than [`MAX_ENTRY_BYTES`] is not kept (and a file
//! that large is never read: it is removed), and once the folder holds more than
//! [`MAX_TOTAL_BYTES`] the least recently used listings go until it fits.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::digest::Digest;
use crate::layer_files::listing::LayerListing;

/// The listing format's folder: listings made before files carried content digests sit in
/// the parent folder and are not read (a new format gets a new name here).
const FORMAT: &str = "v2";

/// The largest listing kept: about 100,000 files. A larger one is read from the registry
/// again next time.
pub const MAX_ENTRY_BYTES: u64 = 32 << 20;

/// What all kept listings may take together; past it the least recently used go.
pub const MAX_TOTAL_BYTES: u64 = 256 << 20;

/// A folder of layer listings.
#[derive(Debug, Clone)]
pub struct ListingCache {
    dir: PathBuf,
    entry_budget: u64,
    total_budget: u64,
}

impl ListingCache {
    /// Listings kept under `dir` (created when the first is written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self::with_budgets(dir, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES)
    }

    /// Listings kept under `dir`, none over `entry_budget` bytes, `total_budget` in all.
    pub fn with_budgets(dir: impl Into<PathBuf>, entry_budget: u64, total_budget: u64) -> Self {
        Self {
            dir: dir.into(),
            entry_budget,
            total_budget,
        }
    }

    fn path_of(&self, digest: &Digest) -> PathBuf {
        let text = digest.to_string();
        let (algorithm, hex) = text.split_once(':').unwrap_or(("sha256", &text));
        self.dir
            .join(FORMAT)
            .join(algorithm)
            .join(format!("{hex}.json"))
    }

    /// The listing of `digest`, if one was kept (and marked as just used).
    pub fn get(&self, digest: &Digest) -> Option<LayerListing> {
        let path = self.path_of(digest);
        let size = std::fs::metadata(&path).ok()?.len();
        if size > self.entry_budget {
            // Not written by this cache: never read, and gone for the next listing.
            tracing::debug!(path = %path.display(), size, "an oversized layer listing removed");
            let _ = std::fs::remove_file(&path);
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let listing: LayerListing = serde_json::from_slice(&bytes).ok()?;
        if listing.digest != *digest {
            return None;
        }
        // Its date says when it was last used: the eviction goes by it.
        let _ = std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(SystemTime::now()));
        Some(listing)
    }

    /// Keep `listing` unless it is over the entry budget, then keep the folder to its total
    /// budget (failures are logged: a cache that cannot be written only costs the next look
    /// a download).
    pub fn put(&self, listing: &LayerListing) {
        let path = self.path_of(&listing.digest);
        match write_atomically(&path, listing, self.entry_budget) {
            Ok(true) => {}
            Ok(false) => tracing::debug!(
                digest = %listing.digest,
                "layer listing not kept: larger than {} bytes",
                self.entry_budget
            ),
            Err(e) => {
                tracing::debug!(path = %path.display(), "could not keep the layer listing: {e}")
            }
        }
        self.evict();
    }

    /// Remove files over the entry budget (never read), then the least recently used
    /// until the folder holds at most the total budget.
    fn evict(&self) {
        let mut files = Vec::new();
        collect_files(&self.dir, 0, &mut files);
        files.retain(|(_, len, path)| {
            *len <= self.entry_budget || std::fs::remove_file(path).is_err()
        });
        let mut total: u64 = files.iter().map(|(_, len, _)| *len).sum();
        if total <= self.total_budget {
            return;
        }
        files.sort_by_key(|(used, _, _)| *used);
        for (_, len, path) in files {
            if total <= self.total_budget {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(len);
            }
        }
    }
}

/// Every file under `dir` (a few levels down): when it was last used, its size, its path.
fn collect_files(dir: &Path, depth: u8, out: &mut Vec<(SystemTime, u64, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if meta.is_dir() && depth < 3 {
            collect_files(&entry.path(), depth + 1, out);
        } else if meta.is_file() {
            let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            out.push((used, meta.len(), entry.path()));
        }
    }
}

/// Write `listing` to `path` through a temporary file, unless it is over `budget` bytes
/// (then nothing is written: `Ok(false)`).
fn write_atomically(path: &Path, listing: &LayerListing, budget: u64) -> std::io::Result<bool> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    let mut capped = Capped {
        inner: std::io::BufWriter::new(file.as_file_mut()),
        left: budget,
        over: false,
    };
    let written = serde_json::to_writer(&mut capped, listing);
    if capped.over {
        // The temporary file goes when dropped.
        return Ok(false);
    }
    written.map_err(std::io::Error::other)?;
    capped.inner.flush()?;
    drop(capped);
    file.persist(path).map_err(|e| e.error)?;
    Ok(true)
}

/// A writer that stops at `left` bytes.
struct Capped<W> {
    inner: W,
    left: u64,
    over: bool,
}

impl<W: Write> Write for Capped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            self.over = true;
            return Err(std::io::Error::other("over the listing budget"));
        }
        let n = self.inner.write(buf)?;
        self.left -= n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer_files::entry::{EntryKind, FileEntry};

    fn listing(n: u8, files: usize) -> LayerListing {
        let entries = (0..files)
            .map(|i| FileEntry {
                path: format!("usr/lib/file-{i:06}"),
                kind: EntryKind::File,
                size: 1,
                mode: 0o644,
                uid: 0,
                gid: 0,
                user: None,
                group: None,
                mtime: 0,
                unsafe_path: false,
                content: None,
            })
            .collect();
        LayerListing {
            digest: Digest::parse(&format!("sha256:{}", format!("{n:02x}").repeat(32)))
                .expect("digest"),
            size: 1,
            compression: "gzip".to_owned(),
            entries,
            tar_bytes: 1,
            cut: false,
            content_digests: false,
            not_fetched: None,
        }
    }

    fn age(cache: &ListingCache, digest: &Digest, seconds: u64) {
        let file = std::fs::File::options()
            .write(true)
            .open(cache.path_of(digest))
            .expect("open");
        file.set_modified(SystemTime::now() - std::time::Duration::from_secs(seconds))
            .expect("date");
    }

    #[test]
    fn a_listing_over_the_entry_budget_is_not_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let cache = ListingCache::with_budgets(dir.path(), 10_000, 1 << 20);
        let (small, big) = (listing(1, 10), listing(2, 1_000));
        cache.put(&small);
        cache.put(&big);
        assert_eq!(cache.get(&small.digest), Some(small));
        assert_eq!(cache.get(&big.digest), None);
        let mut files = Vec::new();
        collect_files(dir.path(), 0, &mut files);
        assert_eq!(files.len(), 1, "no temporary file left: {files:?}");
    }

    #[test]
    fn an_oversized_file_is_never_read_and_goes() {
        let dir = tempfile::tempdir().expect("dir");
        let cache = ListingCache::with_budgets(dir.path(), 10_000, 1 << 20);
        let kept = listing(3, 10);
        let path = cache.path_of(&kept.digest);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::File::create(&path)
            .and_then(|f| f.set_len(50_000))
            .expect("size");
        assert_eq!(cache.get(&kept.digest), None);
        assert!(!path.exists());
    }

    #[test]
    fn past_the_total_budget_the_least_recently_used_go() {
        let dir = tempfile::tempdir().expect("dir");
        let size_of = |l: &LayerListing| serde_json::to_vec(l).expect("json").len() as u64;
        let listings: Vec<LayerListing> = (10..14).map(|n| listing(n, 20)).collect();
        // Room for three.
        let cache = ListingCache::with_budgets(dir.path(), 1 << 20, size_of(&listings[0]) * 3);
        for (i, l) in listings[..3].iter().enumerate() {
            cache.put(l);
            age(&cache, &l.digest, 1000 - i as u64 * 100);
        }
        // The oldest was used again just now: the second oldest goes.
        assert!(cache.get(&listings[0].digest).is_some());
        cache.put(&listings[3]);
        assert!(cache.get(&listings[0].digest).is_some(), "used recently");
        assert!(
            cache.get(&listings[1].digest).is_none(),
            "least recently used"
        );
        assert!(cache.get(&listings[2].digest).is_some());
        assert!(cache.get(&listings[3].digest).is_some());
    }
}
