//! The OCI image layout on disk (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), the
//! format skopeo, podman and umoci read.
//!
//! Nothing half-done is ever visible in it: blobs are downloaded under `.portolan-partial/`
//! (where an interrupted pull resumes from), move under their digest only once verified,
//! and `index.json` is replaced atomically, last.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::layout::select;
use crate::manifest::OCI_INDEX;

const PARTIAL_DIR: &str = ".portolan-partial";
/// The annotation naming a manifest's tag in `index.json`.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// An OCI image layout folder.
#[derive(Debug, Clone)]
pub struct OciLayout {
    root: PathBuf,
}

/// A descriptor as stored in `index.json`: the fields Portolan reads, typed, and every
/// other field (`platform`, `artifactType`, whatever another tool wrote) kept as it was,
/// so rewriting the index loses nothing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexEntry {
    /// The manifest's media type (empty when the entry has none; then not written).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub media_type: String,
    /// The manifest's digest.
    pub digest: Digest,
    /// The manifest's size in bytes.
    #[serde(default)]
    pub size: u64,
    /// Annotations (`org.opencontainers.image.ref.name`, containerd's image name).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub annotations: std::collections::BTreeMap<String, String>,
    /// Every other field, untouched.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl IndexEntry {
    /// An entry for a manifest.
    pub fn new(media_type: &str, digest: &Digest, size: u64) -> Self {
        Self {
            media_type: media_type.to_owned(),
            digest: digest.clone(),
            size,
            annotations: Default::default(),
            other: Default::default(),
        }
    }

    /// Its `org.opencontainers.image.ref.name`.
    pub fn ref_name(&self) -> Option<&str> {
        self.annotations.get(REF_NAME).map(String::as_str)
    }
}

/// The `manifests` of an `index.json`.
#[derive(serde::Deserialize)]
pub struct IndexFile {
    /// Its entries.
    #[serde(default)]
    pub manifests: Vec<IndexEntry>,
}

impl OciLayout {
    /// Open a layout folder, creating it (and `oci-layout`) when missing.
    pub fn create(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root.join("blobs"))
            .map_err(|e| Error::io("cannot create", root, e))?;
        let marker = root.join("oci-layout");
        if !marker.exists() {
            write_atomic(&marker, br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// Open an existing layout folder.
    pub fn open(root: &Path) -> Result<Self> {
        if !root.exists() {
            return Err(Error::BadSource {
                path: root.display().to_string(),
                kind: "source",
                detail: "it was not found (give an OCI layout folder or a docker archive, either optionally followed by :NAME)".to_owned(),
            });
        }
        if !root.join("oci-layout").is_file() || !root.join("index.json").is_file() {
            return Err(Error::BadSource {
                path: root.display().to_string(),
                kind: "OCI layout",
                detail: "it has no oci-layout or index.json file".to_owned(),
            });
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob `digest` lives.
    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        let alg = digest.to_string();
        let alg = alg.split(':').next().unwrap_or("sha256");
        self.root.join("blobs").join(alg).join(digest.hex())
    }

    /// Where a download of `digest` in progress lives.
    pub fn partial_path(&self, digest: &Digest) -> PathBuf {
        self.root
            .join(PARTIAL_DIR)
            .join(digest.to_string().replace(':', "-"))
    }

    /// Whether the layout holds `digest` with the right size and content (hashed: a
    /// truncated or damaged file is fetched again).
    pub fn has_valid_blob(&self, digest: &Digest, size: u64) -> bool {
        let path = self.blob_path(digest);
        match std::fs::metadata(&path) {
            Ok(m) if m.len() == size => hash_file(&path, digest)
                .map(|d| d == *digest)
                .unwrap_or(false),
            _ => false,
        }
    }

    /// Move a verified download into place under its digest.
    pub fn commit_partial(&self, digest: &Digest) -> Result<()> {
        let target = self.blob_path(digest);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        let partial = self.partial_path(digest);
        std::fs::rename(&partial, &target)
            .map_err(|e| Error::io("cannot move into place", &target, e))
    }

    /// Store small content (a manifest) under its digest.
    pub fn write_blob(&self, digest: &Digest, bytes: &[u8]) -> Result<()> {
        let target = self.blob_path(digest);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        write_atomic(&target, bytes)
    }

    /// The file of blob `digest`, when it is one the layout may be read from: a regular
    /// file at its place under `blobs/` (no symlink on the way, so nothing outside the
    /// layout is read), of `size` bytes when the size is known.
    pub fn local_blob(&self, digest: &Digest, size: Option<u64>) -> Result<PathBuf> {
        let path = self.blob_path(digest);
        let blobs = self.root.join("blobs");
        for step in [
            &blobs,
            &path.parent().map(Path::to_path_buf).unwrap_or_default(),
        ] {
            match std::fs::symlink_metadata(step) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(self.bad(format!(
                        "{} is a symbolic link; only files inside the layout are read",
                        step.display()
                    )))
                }
                _ => {}
            }
        }
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(self.bad(format!("blob {digest} is missing ({})", path.display())))
            }
            Err(e) => return Err(Error::io("cannot read", &path, e)),
        };
        if meta.file_type().is_symlink() {
            return Err(self.bad(format!(
                "{} is a symbolic link; only files inside the layout are read",
                path.display()
            )));
        }
        if !meta.is_file() {
            return Err(self.bad(format!("{} is not a regular file", path.display())));
        }
        if let Some(size) = size.filter(|s| *s != meta.len()) {
            return Err(self.bad(format!(
                "{} holds {} bytes, but the manifest says blob {digest} has {size}",
                path.display(),
                meta.len()
            )));
        }
        Ok(path)
    }

    /// Read a blob whole (manifests, configs), verified.
    pub fn read_blob(&self, digest: &Digest, limit: u64) -> Result<Vec<u8>> {
        let path = self.local_blob(digest, None)?;
        let meta = std::fs::metadata(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        if meta.len() > limit {
            return Err(self.bad(format!("{} is larger than {limit} bytes", path.display())));
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        if !digest.matches(&bytes) {
            return Err(self.bad(format!("{} does not match its digest", path.display())));
        }
        Ok(bytes)
    }

    fn bad(&self, detail: String) -> Error {
        Error::BadSource {
            path: self.root.display().to_string(),
            kind: "OCI layout",
            detail,
        }
    }

    /// The entries of `index.json` (none when it does not exist yet).
    pub fn entries(&self) -> Result<Vec<IndexEntry>> {
        let path = self.root.join("index.json");
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("cannot read", &path, e)),
        };
        let index: IndexFile = serde_json::from_slice(&bytes)
            .map_err(|e| self.bad(format!("index.json is not an OCI index ({e})")))?;
        Ok(index.manifests)
    }

    /// The entry named `name` (its `ref.name` exactly first; see [`crate::layout::select`]
    /// for the looser rules), or the only entry when no name is given.
    pub fn find(&self, name: Option<&str>) -> Result<IndexEntry> {
        let mut entries = self.entries()?;
        let names: Vec<Vec<String>> = entries.iter().map(select::entry_names).collect();
        let chosen = select::choose(&names, name, "DIR:NAME (a ref.name in index.json)")
            .map_err(|detail| self.bad(format!("index.json: {detail}")))?;
        Ok(entries.swap_remove(chosen))
    }

    /// Record `entry` in `index.json`, replacing an entry with the same tag (or, without a
    /// tag, the same digest). The file is replaced atomically.
    pub fn add_entry(&self, entry: IndexEntry) -> Result<()> {
        let mut entries = self.entries()?;
        entries.retain(|e| match entry.ref_name() {
            Some(t) => e.ref_name() != Some(t),
            None => e.digest != entry.digest || e.ref_name().is_some(),
        });
        entries.push(entry);
        let index =
            serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries});
        let bytes = serde_json::to_vec_pretty(&index)
            .map_err(|e| Error::internal(format!("cannot encode index.json: {e}")))?;
        write_atomic(&self.root.join("index.json"), &bytes)
    }

    /// Remove the partial-downloads folder when nothing is left in it.
    pub fn tidy(&self) {
        let _ = std::fs::remove_dir(self.root.join(PARTIAL_DIR));
    }
}

/// Write a file so readers see the old content or the new, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.portolan-tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io("cannot write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io("cannot write", path, e))
}

/// Hash a file with the algorithm of `like`.
pub fn hash_file(path: &Path, like: &Digest) -> Result<Digest> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut hasher = like.hasher();
    hash_reader(&mut file, &mut hasher, u64::MAX).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(hasher.finish())
}

/// Feed up to `limit` bytes of `reader` to `hasher`; returns how many were read.
pub fn hash_reader(
    reader: &mut impl Read,
    hasher: &mut Hasher,
    limit: u64,
) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    let mut reader = reader.take(limit);
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
}
