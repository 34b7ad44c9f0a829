//! One entry of a layer's tar as Portolan lists it: the header's facts (path, type, size,
//! mode, owner, time) read as text, with OCI whiteouts recognised as what they mean — a
//! deletion of a path from the layers below (`.wh.NAME`), or a directory whose lower
//! contents are hidden (`.wh..wh..opq`) — rather than as files.
//!
//! Paths come from a registry and are hostile until shown: they are kept as text (lossy
//! UTF-8), normalised only by dropping a leading `./` or `/`, and flagged when they are
//! absolute or climb out with `..`. Nothing here touches the disk.

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link to `target` (as written, maybe relative).
    Symlink {
        /// Where it points.
        target: String,
    },
    /// A hard link to `target` (a path in the same layer).
    Hardlink {
        /// The path it shares content with.
        target: String,
    },
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A named pipe.
    Fifo,
    /// An OCI whiteout: the path is deleted from the layers below.
    Whiteout,
    /// An opaque directory: what the layers below hold in this directory is hidden.
    OpaqueDir,
    /// Another tar entry type (its type byte).
    Other {
        /// The tar type byte.
        code: u8,
    },
}

/// One entry of a layer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileEntry {
    /// The path, without a leading `./` or `/` (for a whiteout: the path it deletes; for an
    /// opaque marker: its directory).
    pub path: String,
    /// What it is.
    pub kind: EntryKind,
    /// Bytes of content (files).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Permission bits and special bits (`0o755`).
    pub mode: u32,
    /// Owner id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub uid: u64,
    /// Group id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub gid: u64,
    /// Owner name, when the tar says.
    pub user: Option<String>,
    /// Group name, when the tar says.
    pub group: Option<String>,
    /// Modification time (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub mtime: u64,
    /// The path as written was absolute or climbs out with `..`: a tool extracting this
    /// layer naively would write outside its target.
    pub unsafe_path: bool,
    /// A regular file's content digest (sha256 of its bytes, computed as the layer
    /// streamed past), so two images' files compare by content, not by size and time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub content: Option<crate::digest::Digest>,
}

impl FileEntry {
    /// The memory this entry holds, about: the struct and the text it owns (what the
    /// listing budgets count; allocator rounding left out).
    pub fn held_bytes(&self) -> u64 {
        let link = match &self.kind {
            EntryKind::Symlink { target } | EntryKind::Hardlink { target } => target.len(),
            _ => 0,
        };
        let owned = self.path.len()
            + link
            + self.user.as_ref().map_or(0, String::len)
            + self.group.as_ref().map_or(0, String::len)
            + self.content.as_ref().map_or(0, |d| d.hex().len());
        (std::mem::size_of::<Self>() + owned) as u64
    }
}

/// The whiteout prefix of a file name.
const WHITEOUT: &str = ".wh.";
/// The name that marks an opaque directory.
const OPAQUE: &str = ".wh..wh..opq";

/// The path as listed: no leading `./` or `/`, no trailing `/`; and whether it was unsafe.
pub fn normalise(raw: &str) -> (String, bool) {
    let absolute = raw.starts_with('/');
    let mut path = raw;
    loop {
        let before = path;
        path = path.trim_start_matches('/');
        path = path.strip_prefix("./").unwrap_or(path);
        if path == before {
            break;
        }
    }
    let path = path.trim_end_matches('/');
    let path = if path == "." { "" } else { path };
    let climbs = path.split('/').any(|c| c == "..");
    (path.to_owned(), absolute || climbs)
}

/// What a whiteout name means: `Some((path, kind))` for `.wh.NAME` (the deleted path) and
/// `.wh..wh..opq` (its directory), `None` for an ordinary name.
pub fn whiteout(path: &str) -> Option<(String, EntryKind)> {
    let (dir, name) = match path.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => ("", path),
    };
    if name == OPAQUE {
        return Some((dir.to_owned(), EntryKind::OpaqueDir));
    }
    let deleted = name.strip_prefix(WHITEOUT)?;
    let full = if dir.is_empty() {
        deleted.to_owned()
    } else {
        format!("{dir}/{deleted}")
    };
    Some((full, EntryKind::Whiteout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lose_their_leading_dot_slash_and_unsafe_ones_are_flagged() {
        assert_eq!(normalise("./usr/bin/"), ("usr/bin".to_owned(), false));
        assert_eq!(normalise("/etc/passwd"), ("etc/passwd".to_owned(), true));
        assert_eq!(normalise("a/../../x"), ("a/../../x".to_owned(), true));
        assert_eq!(normalise("./"), (String::new(), false));
        assert_eq!(normalise("..data"), ("..data".to_owned(), false));
    }

    #[test]
    fn whiteouts_name_what_they_delete() {
        assert_eq!(
            whiteout("etc/.wh.motd"),
            Some(("etc/motd".to_owned(), EntryKind::Whiteout))
        );
        assert_eq!(
            whiteout(".wh.tmp"),
            Some(("tmp".to_owned(), EntryKind::Whiteout))
        );
        assert_eq!(
            whiteout("var/cache/.wh..wh..opq"),
            Some(("var/cache".to_owned(), EntryKind::OpaqueDir))
        );
        assert_eq!(whiteout("etc/what.wh.not"), None);
    }
}
