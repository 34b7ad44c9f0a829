//! Comparing two images: which layers they share (by digest: those cost nothing to pull
//! twice), and how their merged trees differ — paths added, removed, and changed in type,
//! content, size, mode, owner or link target. Files compare by the content digest the
//! listing computed as each layer streamed; a modification time that differs over the same
//! content is not a change. Only where a side has no content digest (a listing that
//! stopped early) does a differing time stand in for it.

use std::collections::BTreeMap;

use crate::digest::Digest;
use crate::layer_files::entry::{EntryKind, FileEntry};
use crate::layer_files::merged::MergedTree;

/// A path present on both sides, and what differs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Changed {
    /// The path.
    pub path: String,
    /// The first image's entry.
    pub before: FileEntry,
    /// The second image's entry.
    pub after: FileEntry,
    /// What differs: `type`, `content`, `size`, `mode`, `owner`, `target`, `mtime`.
    pub what: Vec<String>,
}

/// How two images differ.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageDiff {
    /// Layers both have.
    pub shared_layers: Vec<Digest>,
    /// Layers only the first has.
    pub only_first: Vec<Digest>,
    /// Layers only the second has.
    pub only_second: Vec<Digest>,
    /// Paths only the second has.
    pub added: Vec<FileEntry>,
    /// Paths only the first has.
    pub removed: Vec<FileEntry>,
    /// Paths both have, differing.
    pub changed: Vec<Changed>,
}

/// Compare image one (its layer digests, base first, and merged tree) with image two.
pub fn diff(
    layers_one: &[Digest],
    one: &MergedTree,
    layers_two: &[Digest],
    two: &MergedTree,
) -> ImageDiff {
    let shared_layers = layers_one
        .iter()
        .filter(|d| layers_two.contains(d))
        .cloned()
        .collect();
    let only_first = layers_one
        .iter()
        .filter(|d| !layers_two.contains(d))
        .cloned()
        .collect();
    let only_second = layers_two
        .iter()
        .filter(|d| !layers_one.contains(d))
        .cloned()
        .collect();
    let before: BTreeMap<&str, &FileEntry> = one
        .entries
        .iter()
        .map(|m| (m.entry.path.as_str(), &m.entry))
        .collect();
    let after: BTreeMap<&str, &FileEntry> = two
        .entries
        .iter()
        .map(|m| (m.entry.path.as_str(), &m.entry))
        .collect();
    let added = after
        .iter()
        .filter(|(p, _)| !before.contains_key(*p))
        .map(|(_, e)| (*e).clone())
        .collect();
    let removed = before
        .iter()
        .filter(|(p, _)| !after.contains_key(*p))
        .map(|(_, e)| (*e).clone())
        .collect();
    let changed = before
        .iter()
        .filter_map(|(p, b)| {
            let a = after.get(p)?;
            let what = differences(b, a);
            (!what.is_empty()).then(|| Changed {
                path: (*p).to_owned(),
                before: (*b).clone(),
                after: (*a).clone(),
                what,
            })
        })
        .collect();
    ImageDiff {
        shared_layers,
        only_first,
        only_second,
        added,
        removed,
        changed,
    }
}

fn differences(b: &FileEntry, a: &FileEntry) -> Vec<String> {
    let mut what = Vec::new();
    if std::mem::discriminant(&b.kind) != std::mem::discriminant(&a.kind) {
        what.push("type".to_owned());
    } else if b.kind != a.kind {
        what.push("target".to_owned());
    }
    let contents = b.content.as_ref().zip(a.content.as_ref());
    if contents.is_some_and(|(b, a)| b != a) {
        what.push("content".to_owned());
    }
    if b.size != a.size {
        what.push("size".to_owned());
    }
    if b.mode != a.mode {
        what.push("mode".to_owned());
    }
    if (b.uid, b.gid) != (a.uid, a.gid) {
        what.push("owner".to_owned());
    }
    // Without content digests, a file rewritten with the same size and mode: its time
    // tells (directories' times change with their contents, and say nothing).
    if contents.is_none() && b.mtime != a.mtime && what.is_empty() && b.kind == EntryKind::File {
        what.push("mtime".to_owned());
    }
    what
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer_files::merged::MergedEntry;

    fn file(path: &str, bytes: &[u8], mtime: u64, with_digest: bool) -> MergedEntry {
        MergedEntry {
            entry: FileEntry {
                path: path.to_owned(),
                kind: EntryKind::File,
                size: bytes.len() as u64,
                mode: 0o644,
                uid: 0,
                gid: 0,
                user: None,
                group: None,
                mtime,
                unsafe_path: false,
                content: with_digest.then(|| Digest::sha256_of(bytes)),
            },
            layer: 0,
            overwrote: vec![],
        }
    }

    fn tree(entries: Vec<MergedEntry>) -> MergedTree {
        MergedTree {
            entries,
            layers: vec![],
            total_bytes: 0,
            wasted_bytes: 0,
            wasted: vec![],
            skipped: vec![],
        }
    }

    fn what_changed(before: MergedEntry, after: MergedEntry) -> Vec<Vec<String>> {
        diff(&[], &tree(vec![before]), &[], &tree(vec![after]))
            .changed
            .into_iter()
            .map(|c| c.what)
            .collect()
    }

    #[test]
    fn files_compare_by_content_and_a_new_time_over_the_same_bytes_is_no_change() {
        assert_eq!(
            what_changed(file("a", b"one", 1, true), file("a", b"two", 1, true)),
            [["content"]]
        );
        assert!(what_changed(file("a", b"one", 1, true), file("a", b"one", 9, true)).is_empty());
        // Without digests on one side, a new time is all there is to go by.
        assert_eq!(
            what_changed(file("a", b"one", 1, false), file("a", b"one", 9, true)),
            [["mtime"]]
        );
    }
}
