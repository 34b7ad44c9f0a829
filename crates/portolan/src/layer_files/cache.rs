//! Layer listings kept on disk by layer digest. A layer's content never changes under its
//! digest, so a listing never goes stale: the second look at a layer costs no network.
//!
//! One JSON file per layer (`DIR/v2/sha256/HEX.json`), written to a temporary name and moved
//! into place, so a reader never sees half a file; a file that does not parse, or that
//! describes another digest, is ignored (and replaced by the next listing).

use std::path::{Path, PathBuf};

use crate::digest::Digest;
use crate::layer_files::listing::LayerListing;

/// The listing format's folder: listings made before files carried content digests sit in
/// the parent folder and are not read (a new format gets a new name here).
const FORMAT: &str = "v2";

/// A folder of layer listings.
#[derive(Debug, Clone)]
pub struct ListingCache {
    dir: PathBuf,
}

impl ListingCache {
    /// Listings kept under `dir` (created when the first is written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn path_of(&self, digest: &Digest) -> PathBuf {
        let text = digest.to_string();
        let (algorithm, hex) = text.split_once(':').unwrap_or(("sha256", &text));
        self.dir
            .join(FORMAT)
            .join(algorithm)
            .join(format!("{hex}.json"))
    }

    /// The listing of `digest`, if one was kept.
    pub fn get(&self, digest: &Digest) -> Option<LayerListing> {
        let bytes = std::fs::read(self.path_of(digest)).ok()?;
        let listing: LayerListing = serde_json::from_slice(&bytes).ok()?;
        (listing.digest == *digest).then_some(listing)
    }

    /// Keep `listing` (failures are logged: a cache that cannot be written only costs the
    /// next look a download).
    pub fn put(&self, listing: &LayerListing) {
        let path = self.path_of(&listing.digest);
        if let Err(e) = write_atomically(&path, listing) {
            tracing::debug!(path = %path.display(), "could not keep the layer listing: {e}");
        }
    }
}

fn write_atomically(path: &Path, listing: &LayerListing) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(std::io::BufWriter::new(file.as_file_mut()), listing)
        .map_err(std::io::Error::other)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
