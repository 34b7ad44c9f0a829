//! Reading one file out of a layer without pulling the image: the layer streams until the
//! file's entry, its first bytes are kept for showing (up to a cap), and the rest of the
//! blob is read through so the digest is checked before anything is trusted. Saving the
//! whole file to disk goes through a temporary file beside the target, moved into place
//! only once the layer has verified, and never over a file already there unless the
//! caller says so ([`SaveTo::replace`]): the check and the move are one step.
//!
//! Which layer and which path to read (a symlink or hard link resolved within the merged
//! tree) is the caller's choice: see [`resolve`].

use std::io::{Read, Write};
use std::path::Path;

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::layer_files::entry::EntryKind;
use crate::layer_files::listing::{inflation_limit, stream_layer, walk, Failure, Walk};
use crate::layer_files::merged::MergedTree;
use crate::transfer::progress::{Cancel, Progress};

/// What is shown of a file by default: 1 MiB.
pub const SHOWN_BYTES: usize = 1 << 20;

/// A file read from a layer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileContent {
    /// The path read.
    pub path: String,
    /// Its size.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Its first bytes (all of them when `cut` is false).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Whether `bytes` stops before the end.
    pub cut: bool,
    /// Whether it looks binary (a NUL byte, or not UTF-8, in what was read).
    pub binary: bool,
    /// Where it was saved, when it was.
    pub saved_to: Option<String>,
}

impl FileContent {
    /// The text, when it is text.
    pub fn text(&self) -> Option<&str> {
        (!self.binary)
            .then(|| std::str::from_utf8(&self.bytes).ok())
            .flatten()
    }

    /// The first `bytes` bytes as `offset  hex  ascii` rows of 16, the way `xxd` shows a
    /// binary file; anything but printable ASCII is a dot, so the rows are safe to show.
    pub fn hex_rows(&self, bytes: usize) -> Vec<String> {
        self.bytes
            .chunks(16)
            .take(bytes.div_ceil(16))
            .enumerate()
            .map(|(i, row)| {
                let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
                let ascii: String = row
                    .iter()
                    .map(|&b| {
                        if b.is_ascii_graphic() || b == b' ' {
                            b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                format!("{:08x}  {:<48} {ascii}", i * 16, hex.join(" "))
            })
            .collect()
    }
}

/// Where a whole file is saved.
#[derive(Debug, Clone, Copy)]
pub struct SaveTo<'a> {
    /// The file to write.
    pub path: &'a Path,
    /// Whether a file already at `path` may be replaced (otherwise the save fails with an
    /// [`Error::Io`] of kind `AlreadyExists`, and nothing is written).
    pub replace: bool,
}

/// Read `path` from layer `digest` (`size` bytes) of `repository`: its first `shown`
/// bytes, and the whole file into `save_to` when given.
#[allow(clippy::too_many_arguments)]
pub async fn read_file(
    client: &RegistryClient,
    repository: &str,
    digest: &Digest,
    size: u64,
    path: &str,
    shown: usize,
    save_to: Option<SaveTo<'_>>,
    cancel: &Cancel,
    progress: &Progress,
) -> Result<FileContent> {
    let temp = temp_for(save_to.as_ref())?;
    let expected = digest.clone();
    let wanted = path.to_owned();
    let limit = inflation_limit(size);
    let (found, temp) = stream_layer(
        client,
        repository,
        digest,
        size,
        cancel,
        progress,
        move |rx| {
            let mut temp = temp;
            let mut found: Option<(u64, u32, Vec<u8>)> = None;
            walk(rx, &expected, size, limit, &mut |entry, content| {
                if entry.path != wanted || entry.kind != EntryKind::File {
                    return Ok(Walk::Next);
                }
                let mut head = Vec::with_capacity(shown.min(entry.size as usize));
                content.take(shown as u64).read_to_end(&mut head)?;
                if let Some(file) = temp.as_mut() {
                    file.write_all(&head)?;
                    std::io::copy(content, file)?;
                    file.flush()?;
                }
                found = Some((entry.size, entry.mode, head));
                Ok(Walk::Stop)
            })?;
            Ok::<_, Failure>((found, temp))
        },
    )
    .await?;
    let Some((file_size, mode, bytes)) = found else {
        return Err(Error::NotFound {
            registry: client.registry().to_owned(),
            what: format!("file {path} in layer {digest}"),
            detail: String::new(),
        });
    };
    // The layer verified: only now does the file take its name.
    let saved_to = match (temp, save_to) {
        (Some(temp), Some(to)) => Some(land(temp, &to, mode)?),
        _ => None,
    };
    let binary = bytes.contains(&0) || std::str::from_utf8(&bytes).is_err() && !cut_utf8(&bytes);
    Ok(FileContent {
        path: path.to_owned(),
        size: file_size,
        cut: (bytes.len() as u64) < file_size,
        binary,
        bytes,
        saved_to,
    })
}

/// The temporary file a save is written to, beside its target so that it can be moved
/// there; refused at once when a file is there and may not be replaced (the move checks
/// again).
fn temp_for(save_to: Option<&SaveTo<'_>>) -> Result<Option<tempfile::NamedTempFile>> {
    let Some(to) = save_to else {
        return Ok(None);
    };
    if !to.replace {
        refuse_existing(to.path)?;
    }
    let dir = to
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::NamedTempFile::new_in(dir)
        .map(Some)
        .map_err(|e| Error::io("cannot write in", dir, e))
}

/// Move the verified copy in `temp` to where `to` says, with the entry's `mode`; where it
/// went, as the user reads it.
fn land(temp: tempfile::NamedTempFile, to: &SaveTo<'_>, mode: u32) -> Result<String> {
    keep_mode(&temp, mode)?;
    let moved = if to.replace {
        temp.persist(to.path)
    } else {
        temp.persist_noclobber(to.path)
    };
    moved.map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => Error::io(REFUSED, to.path, e.error),
        _ => Error::io("cannot write", to.path, e.error),
    })?;
    Ok(to.path.display().to_string())
}

/// Give the saved copy the entry's permission bits (an executable stays executable), never
/// setuid, setgid or sticky, and within the user's umask: a probe file created with those
/// bits next to it says what the umask leaves of them.
#[cfg(unix)]
fn keep_mode(temp: &tempfile::NamedTempFile, mode: u32) -> Result<()> {
    use std::fs::Permissions;
    use std::os::unix::fs::PermissionsExt;
    let dir = temp
        .path()
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let probe = tempfile::Builder::new()
        .permissions(Permissions::from_mode(mode & 0o777))
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot write in", dir, e))?;
    let allowed = probe
        .as_file()
        .metadata()
        .map_err(|e| Error::io("cannot read", probe.path(), e))?
        .permissions()
        .mode()
        & 0o777;
    temp.as_file()
        .set_permissions(Permissions::from_mode(allowed))
        .map_err(|e| Error::io("cannot set the permissions of", temp.path(), e))
}

#[cfg(not(unix))]
fn keep_mode(_temp: &tempfile::NamedTempFile, _mode: u32) -> Result<()> {
    Ok(())
}

/// What an [`Error::Io`] says when a save would have replaced a file.
pub const REFUSED: &str = "will not replace";

/// An error when something (a file, a folder, a link, even a dangling one) is at `target`.
pub fn refuse_existing(target: &Path) -> Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(_) => Err(Error::io(
            REFUSED,
            target,
            std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        )),
        Err(_) => Ok(()),
    }
}

/// Whether `bytes` is UTF-8 but for a character cut at the end.
fn cut_utf8(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > bytes.len(),
    }
}

/// Where `path` of the merged image really is: the layer that last wrote it and the path
/// its content is under there, following symbolic links (relative or absolute, within the
/// image) and hard links. A loop, or more than 40 links, is an error; so is a path that is
/// not there or not a file.
pub fn resolve(tree: &MergedTree, path: &str) -> std::result::Result<(usize, String), String> {
    let mut current = crate::layer_files::entry::normalise(path).0;
    for _ in 0..40 {
        let Some(found) = tree.entries.iter().find(|e| e.entry.path == current) else {
            return Err(format!("{current} is not in the image"));
        };
        match &found.entry.kind {
            EntryKind::File => return Ok((found.layer, current)),
            EntryKind::Hardlink { target } => return Ok((found.layer, target.clone())),
            EntryKind::Symlink { target } => {
                let base = current.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                current = join(if target.starts_with('/') { "" } else { base }, target);
            }
            EntryKind::Dir | EntryKind::OpaqueDir => {
                return Err(format!("{current} is a directory"))
            }
            _ => return Err(format!("{current} is not a regular file")),
        }
    }
    Err(format!("{path} leads through more than 40 links (a loop?)"))
}

/// `base/target` with `.` and `..` applied (never above the root).
fn join(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer_files::entry::FileEntry;
    use crate::layer_files::merged::MergedEntry;

    fn merged(entries: &[(&str, EntryKind, usize)]) -> MergedTree {
        MergedTree {
            entries: entries
                .iter()
                .map(|(p, k, layer)| MergedEntry {
                    entry: FileEntry {
                        path: (*p).to_owned(),
                        kind: k.clone(),
                        size: 1,
                        mode: 0o644,
                        uid: 0,
                        gid: 0,
                        user: None,
                        group: None,
                        mtime: 0,
                        unsafe_path: false,
                        content: None,
                    },
                    layer: *layer,
                    overwrote: vec![],
                })
                .collect(),
            layers: vec![],
            total_bytes: 0,
            wasted_bytes: 0,
            wasted: vec![],
            skipped: vec![],
        }
    }

    #[test]
    fn links_resolve_within_the_image_and_loops_are_caught() {
        let link = |t: &str| EntryKind::Symlink { target: t.into() };
        let tree = merged(&[
            ("bin/sh", link("busybox"), 1),
            ("bin/busybox", EntryKind::File, 0),
            ("etc/alt", link("/bin/sh"), 2),
            ("usr/up", link("../bin/busybox"), 1),
            ("loop-a", link("loop-b"), 0),
            ("loop-b", link("loop-a"), 0),
            (
                "etc/hard",
                EntryKind::Hardlink {
                    target: "bin/busybox".into(),
                },
                3,
            ),
        ]);
        assert_eq!(resolve(&tree, "/etc/alt"), Ok((0, "bin/busybox".into())));
        assert_eq!(resolve(&tree, "usr/up"), Ok((0, "bin/busybox".into())));
        assert_eq!(resolve(&tree, "etc/hard"), Ok((3, "bin/busybox".into())));
        assert!(resolve(&tree, "loop-a")
            .expect_err("a loop")
            .contains("loop"));
        assert!(resolve(&tree, "nope").is_err());
    }
}
