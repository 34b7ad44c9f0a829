//! The merged view of an image: its layers applied in order into one tree, as a container
//! runtime would unpack them, each path knowing which layer last wrote it and which
//! earlier layers' versions of it were overwritten; and what was wasted on the way — bytes
//! in lower layers that a later layer overwrites or deletes (dive's "efficiency").
//!
//! The rules are the OCI image spec's: within a layer, whiteouts apply to the layers below
//! only (so they are applied before the layer's own entries); `.wh.NAME` deletes NAME and
//! everything under it; an opaque marker hides everything the lower layers put in its
//! directory. A directory written again by a later layer is not waste.

use std::collections::BTreeMap;

use crate::layer_files::entry::{EntryKind, FileEntry};
use crate::layer_files::listing::LayerListing;

/// A path of the merged tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MergedEntry {
    /// The entry as the last layer that wrote it has it.
    pub entry: FileEntry,
    /// That layer (0 is the base).
    pub layer: usize,
    /// Earlier layers whose version of this path it replaced, in order.
    pub overwrote: Vec<usize>,
}

/// A file a later layer deleted (by a whiteout or an opaque directory) or overwrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Wasted {
    /// The path.
    pub path: String,
    /// Bytes it took in the layer that wrote it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// The layer that wrote it.
    pub layer: usize,
    /// The layer that deleted or overwrote it.
    pub by: usize,
    /// Deleted (true) or overwritten (false).
    pub deleted: bool,
}

/// An image's layers as one tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MergedTree {
    /// Every path in the image, sorted.
    pub entries: Vec<MergedEntry>,
    /// The layers, base first (an entry's `layer` indexes this): where to read a file.
    pub layers: Vec<LayerBlob>,
    /// File bytes across all layers.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_bytes: u64,
    /// File bytes in lower layers that later layers overwrite or delete.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub wasted_bytes: u64,
    /// What was wasted, biggest first.
    pub wasted: Vec<Wasted>,
    /// Layers that were not read (their bytes are not in the registry), and why: the tree
    /// lacks what they hold.
    pub skipped: Vec<SkippedLayer>,
}

/// A layer's blob.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LayerBlob {
    /// Its digest.
    pub digest: crate::digest::Digest,
    /// Its size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

/// A layer left out of the tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SkippedLayer {
    /// The layer (0 is the base).
    pub layer: usize,
    /// Why it was not read.
    pub reason: String,
}

/// Apply `layers` (base first) into one tree.
pub fn merge(layers: &[LayerListing]) -> MergedTree {
    let mut tree: BTreeMap<String, MergedEntry> = BTreeMap::new();
    let mut wasted = Vec::new();
    let mut total_bytes = 0u64;
    let mut skipped = Vec::new();
    for (index, layer) in layers.iter().enumerate() {
        if let Some(reason) = &layer.not_fetched {
            skipped.push(SkippedLayer {
                layer: index,
                reason: reason.clone(),
            });
        }
        // Whiteouts and opaque markers of this layer act on the layers below it.
        for e in &layer.entries {
            match e.kind {
                EntryKind::Whiteout => {
                    remove(&mut tree, &e.path, true, index, &mut wasted);
                }
                EntryKind::OpaqueDir => {
                    remove(&mut tree, &e.path, false, index, &mut wasted);
                }
                _ => {}
            }
        }
        for e in &layer.entries {
            if matches!(e.kind, EntryKind::Whiteout | EntryKind::OpaqueDir) || e.path.is_empty() {
                continue;
            }
            if e.kind == EntryKind::File {
                // Sizes come from tar headers: a sum past 2^64 saturates, never panics.
                total_bytes = total_bytes.saturating_add(e.size);
            }
            place(&mut tree, e, index, &mut wasted);
        }
    }
    wasted.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
    MergedTree {
        wasted_bytes: wasted
            .iter()
            .fold(0u64, |sum, w| sum.saturating_add(w.size)),
        total_bytes,
        entries: tree.into_values().collect(),
        layers: layers
            .iter()
            .map(|l| LayerBlob {
                digest: l.digest.clone(),
                size: l.size,
            })
            .collect(),
        wasted,
        skipped,
    }
}

/// Put `e` of layer `index` in the tree over whatever it replaces, recording the bytes a
/// replaced file of an earlier layer wasted.
fn place(
    tree: &mut BTreeMap<String, MergedEntry>,
    e: &FileEntry,
    index: usize,
    wasted: &mut Vec<Wasted>,
) {
    let mut overwrote = Vec::new();
    if let Some(old) = tree.remove(&e.path) {
        let both_dirs = old.entry.kind == EntryKind::Dir && e.kind == EntryKind::Dir;
        if !both_dirs && old.layer != index && old.entry.kind == EntryKind::File {
            wasted.push(Wasted {
                path: e.path.clone(),
                size: old.entry.size,
                layer: old.layer,
                by: index,
                deleted: false,
            });
        }
        overwrote = old.overwrote;
        if old.layer != index {
            overwrote.push(old.layer);
        }
        // A directory replaced by something else takes its contents with it.
        if old.entry.kind == EntryKind::Dir && e.kind != EntryKind::Dir {
            remove(tree, &e.path, false, index, wasted);
        }
    }
    tree.insert(
        e.path.clone(),
        MergedEntry {
            entry: e.clone(),
            layer: index,
            overwrote,
        },
    );
}

/// Remove what is under `dir` (and `dir` itself when `itself`), recording it as deleted by
/// layer `by`.
fn remove(
    tree: &mut BTreeMap<String, MergedEntry>,
    dir: &str,
    itself: bool,
    by: usize,
    wasted: &mut Vec<Wasted>,
) {
    let mut gone: Vec<String> = Vec::new();
    if itself && tree.contains_key(dir) {
        gone.push(dir.to_owned());
    }
    if dir.is_empty() {
        gone.extend(tree.keys().cloned());
    } else {
        // Everything under `dir/`: keys from "dir/" up to "dir0" ('0' follows '/').
        let start = format!("{dir}/");
        let end = format!("{dir}0");
        gone.extend(tree.range(start..end).map(|(k, _)| k.clone()));
    }
    for path in gone {
        if let Some(old) = tree.remove(&path) {
            if old.layer < by && old.entry.kind == EntryKind::File {
                wasted.push(Wasted {
                    size: old.entry.size,
                    path,
                    layer: old.layer,
                    by,
                    deleted: true,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;

    fn entry(path: &str, kind: EntryKind, size: u64) -> FileEntry {
        FileEntry {
            path: path.to_owned(),
            kind,
            size,
            mode: 0o644,
            uid: 0,
            gid: 0,
            user: None,
            group: None,
            mtime: 0,
            unsafe_path: false,
            content: None,
        }
    }

    fn layer(n: u8, entries: Vec<FileEntry>) -> LayerListing {
        LayerListing {
            digest: Digest::sha256_of(&[n]),
            size: 0,
            compression: "gzip".into(),
            entries,
            tar_bytes: 0,
            cut: false,
            content_digests: false,
            not_fetched: None,
        }
    }

    #[test]
    fn later_layers_overwrite_delete_and_hide_and_the_waste_is_counted() {
        use EntryKind::*;
        let base = layer(
            0,
            vec![
                entry("etc", Dir, 0),
                entry("etc/motd", File, 100),
                entry("etc/app.conf", File, 10),
                entry("var/cache", Dir, 0),
                entry("var/cache/big.bin", File, 5000),
                entry("var/cache/keep", Dir, 0),
                entry("var/cache-not-under", File, 7),
            ],
        );
        let second = layer(
            1,
            vec![
                entry("etc", Dir, 0),
                entry("etc/app.conf", File, 12),
                entry("etc/motd", Whiteout, 0),
                entry("var/cache", OpaqueDir, 0),
                entry("var/cache/new.bin", File, 1),
            ],
        );
        let tree = merge(&[base, second]);
        let paths: Vec<&str> = tree.entries.iter().map(|e| e.entry.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "etc",
                "etc/app.conf",
                "var/cache",
                "var/cache-not-under",
                "var/cache/new.bin"
            ]
        );
        let conf = &tree.entries[1];
        assert_eq!(
            (conf.layer, conf.overwrote.clone(), conf.entry.size),
            (1, vec![0], 12)
        );
        assert_eq!(tree.entries[0].overwrote, vec![0], "etc written again");
        // Waste: the old app.conf (overwritten), motd (deleted), big.bin (hidden), not the
        // directory written again.
        assert_eq!(tree.wasted_bytes, 5000 + 100 + 10);
        assert_eq!(tree.wasted[0].path, "var/cache/big.bin");
        assert!(tree.wasted[0].deleted);
        assert_eq!(tree.total_bytes, 100 + 10 + 5000 + 7 + 12 + 1);
    }

    #[test]
    fn sizes_from_tar_headers_add_up_without_overflowing() {
        use EntryKind::*;
        // A tar header may state any 64-bit size: two of 2^63 pass u64::MAX.
        let huge = 1u64 << 63;
        let base = layer(0, vec![entry("a", File, huge), entry("b", File, huge)]);
        let second = layer(1, vec![entry("a", Whiteout, 0), entry("b", Whiteout, 0)]);
        let tree = merge(&[base, second]);
        assert_eq!(tree.total_bytes, u64::MAX);
        assert_eq!(tree.wasted_bytes, u64::MAX);
        assert_eq!(tree.wasted.len(), 2);
    }
}
