//! `docker save` / `docker load` archives.
//!
//! Portolan writes the format Docker 25+ writes: an OCI image layout inside a tar, whose
//! `index.json` entry carries the full name in `io.containerd.image.name` and the tag in
//! `org.opencontainers.image.ref.name` (podman reads the first, so `podman load` names the
//! image `host/repo:tag`), plus `manifest.json` (`RepoTags` = `host/repo:tag`) and
//! `repositories` for `docker load` and older readers (layers stay compressed, which
//! `docker load`, podman and skopeo accept). It reads that format and the older one
//! (`manifest.json` with `<id>/layer.tar` entries, which may be symbolic or hard links to
//! another entry, as Docker and podman write them). Blobs inside an archive are read in
//! place by offset, never extracted.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::layout::oci::OciLayout;

/// Pack `blobs` of `layout` into an archive at `target`, atomically (a `.part` file renamed
/// at the end). `index_entry` is the image's descriptor; `config` and `layers` name the
/// blobs `manifest.json` points at; `repo_tag` is what `docker load` will tag it as.
pub fn write_archive(
    layout: &OciLayout,
    index_entry: &crate::layout::oci::IndexEntry,
    blobs: &[Digest],
    config: &Digest,
    layers: &[Digest],
    repo_tag: Option<(&str, &str)>,
    target: &Path,
) -> Result<()> {
    let part = part_path(target);
    let file = std::fs::File::create(&part).map_err(|e| Error::io("cannot create", &part, e))?;
    let mut tar = tar::Builder::new(std::io::BufWriter::with_capacity(1 << 20, file));
    let fail = |e: std::io::Error| Error::io("cannot write", &part, e);
    let add_bytes = |tar: &mut tar::Builder<_>, name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes)
    };
    add_bytes(&mut tar, "oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#).map_err(fail)?;
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": crate::manifest::OCI_INDEX, "manifests": [index_entry]});
    add_bytes(&mut tar, "index.json", index.to_string().as_bytes()).map_err(fail)?;
    let mut seen = std::collections::HashSet::new();
    for digest in blobs {
        if !seen.insert(digest.clone()) {
            continue;
        }
        let path = layout.blob_path(digest);
        let mut file =
            std::fs::File::open(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        let len = file
            .metadata()
            .map_err(|e| Error::io("cannot read", &path, e))?
            .len();
        let mut header = tar::Header::new_ustar();
        header.set_size(len);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, blob_name(digest), &mut file)
            .map_err(fail)?;
    }
    let mut entry = serde_json::json!({
        "Config": blob_name(config),
        "RepoTags": [],
        "Layers": layers.iter().map(blob_name).collect::<Vec<_>>(),
    });
    if let Some((repo, tag)) = repo_tag {
        entry["RepoTags"] = serde_json::json!([format!("{repo}:{tag}")]);
        let repositories = serde_json::json!({ repo: { tag: config.hex() } });
        add_bytes(
            &mut tar,
            "repositories",
            repositories.to_string().as_bytes(),
        )
        .map_err(fail)?;
    }
    add_bytes(
        &mut tar,
        "manifest.json",
        serde_json::json!([entry]).to_string().as_bytes(),
    )
    .map_err(fail)?;
    let out = tar.into_inner().map_err(fail)?;
    let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&part, target).map_err(|e| Error::io("cannot move into place", target, e))
}

/// `target` taken relative to the folder `base` of an archive, normalised; `None` when it
/// would leave the archive (`..` past the root) or is absolute.
fn join_inside(base: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The temporary name an archive is written under.
pub fn part_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("archive");
    target.with_file_name(format!(".{name}.portolan-part"))
}

/// Where blob `digest` sits in an archive (`blobs/sha256/HEX`).
pub(crate) fn blob_name(digest: &Digest) -> String {
    let text = digest.to_string();
    let alg = text.split(':').next().unwrap_or("sha256");
    format!("blobs/{alg}/{}", digest.hex())
}

/// An archive opened for reading: where each entry's bytes are in the file.
#[derive(Debug, Clone)]
pub struct Archive {
    path: PathBuf,
    entries: HashMap<String, (u64, u64)>,
}

impl Archive {
    /// Scan `path` (headers only; contents are skipped).
    pub fn open(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
        let mut tar = tar::Archive::new(file);
        let mut entries = HashMap::new();
        let mut links = HashMap::new();
        let bad = |detail: String| Error::BadSource {
            path: path.display().to_string(),
            kind: "archive",
            detail,
        };
        for entry in tar
            .entries()
            .map_err(|e| bad(format!("not a tar file ({e})")))?
        {
            let entry = entry.map_err(|e| bad(format!("a damaged tar entry ({e})")))?;
            let kind = entry.header().entry_type();
            let name = entry
                .path()
                .map_err(|e| bad(format!("an entry name is not valid ({e})")))?
                .to_string_lossy()
                .trim_start_matches("./")
                .to_owned();
            match kind {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    entries.insert(name, (entry.raw_file_position(), entry.size()));
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    let target = entry
                        .link_name()
                        .ok()
                        .flatten()
                        .map(|t| t.to_string_lossy().into_owned());
                    if let Some(target) = target {
                        // A symbolic link is relative to its own folder, a hard link to the
                        // archive's root.
                        let base = if kind == tar::EntryType::Symlink {
                            name.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
                        } else {
                            ""
                        };
                        if let Some(resolved) = join_inside(base, &target) {
                            links.insert(name, resolved);
                        }
                    }
                }
                _ => {}
            }
        }
        // Links point at entries inside the archive only; chains are followed a few hops.
        let resolve = |start: &str| -> Option<(u64, u64)> {
            let mut at = start;
            for _ in 0..8 {
                if let Some(slice) = entries.get(at) {
                    return Some(*slice);
                }
                at = links.get(at)?;
            }
            None
        };
        let resolved: Vec<(String, (u64, u64))> = links
            .iter()
            .filter_map(|(name, target)| Some((name.clone(), resolve(target)?)))
            .collect();
        for (name, slice) in resolved {
            entries.entry(name).or_insert(slice);
        }
        Ok(Self {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The archive file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Offset and size of an entry.
    pub fn slice(&self, name: &str) -> Option<(u64, u64)> {
        self.entries.get(name.trim_start_matches("./")).copied()
    }

    /// Offset and size of a blob stored OCI-style (`blobs/sha256/<hex>`).
    pub fn blob_slice(&self, digest: &Digest) -> Option<(u64, u64)> {
        self.slice(&blob_name(digest))
    }

    /// Whether it holds an OCI layout (Docker 25+ and Portolan archives).
    pub fn is_oci(&self) -> bool {
        self.entries.contains_key("index.json") && self.entries.contains_key("oci-layout")
    }

    /// Read a small entry whole.
    pub fn read(&self, name: &str, limit: u64) -> Result<Vec<u8>> {
        let (offset, size) = self.slice(name).ok_or_else(|| Error::BadSource {
            path: self.path.display().to_string(),
            kind: "archive",
            detail: format!("it has no {name}"),
        })?;
        if size > limit {
            return Err(Error::BadSource {
                path: self.path.display().to_string(),
                kind: "archive",
                detail: format!("{name} is larger than {limit} bytes"),
            });
        }
        let mut file =
            std::fs::File::open(&self.path).map_err(|e| Error::io("cannot read", &self.path, e))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io("cannot read", &self.path, e))?;
        let mut bytes = vec![0; size as usize];
        file.read_exact(&mut bytes)
            .map_err(|e| Error::io("cannot read", &self.path, e))?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_inside_the_archive_only() {
        assert_eq!(join_inside("id", "../abc.tar").as_deref(), Some("abc.tar"));
        assert_eq!(
            join_inside("", "id/layer.tar").as_deref(),
            Some("id/layer.tar")
        );
        assert_eq!(join_inside("a/b", "./c").as_deref(), Some("a/b/c"));
        assert_eq!(join_inside("id", "../../etc/passwd"), None);
        assert_eq!(join_inside("id", "/etc/passwd"), None);
    }

    #[test]
    fn a_layer_behind_a_symbolic_link_is_found() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("a.tar");
        let mut tar = tar::Builder::new(std::fs::File::create(&path).expect("create"));
        let mut header = tar::Header::new_ustar();
        header.set_size(5);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "abc.tar", &b"hello"[..])
            .expect("file");
        let mut link = tar::Header::new_ustar();
        link.set_entry_type(tar::EntryType::Symlink);
        link.set_size(0);
        tar.append_link(&mut link, "id/layer.tar", "../abc.tar")
            .expect("link");
        let mut escape = tar::Header::new_ustar();
        escape.set_entry_type(tar::EntryType::Symlink);
        escape.set_size(0);
        tar.append_link(&mut escape, "id/evil", "../../x")
            .expect("link");
        tar.finish().expect("finish");
        drop(tar);
        let archive = Archive::open(&path).expect("open");
        assert_eq!(archive.slice("id/layer.tar"), archive.slice("abc.tar"));
        assert_eq!(archive.read("id/layer.tar", 100).expect("read"), b"hello");
        assert!(archive.slice("id/evil").is_none());
    }
}
